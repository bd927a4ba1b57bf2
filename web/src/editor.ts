// The code editor: CodeMirror 6 with the .mlp or .dlps highlighting and the compiler's or
// assembler's error shown as a lint diagnostic at its line and column.
import { basicSetup, EditorView } from 'codemirror';
import { Compartment, EditorState } from '@codemirror/state';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { dlpsLanguage, mlpLanguage } from './lang.js';
import type { SourceError, SourceKind } from './protocol.js';

export interface Editor {
  view: EditorView;
  text(): string;
  setText(text: string, kind: SourceKind): void;
  showError(e: SourceError | undefined): void;
}

export function createEditor(parent: HTMLElement, onChange: (text: string) => void): Editor {
  const language = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: '',
      extensions: [
        basicSetup, lintGutter(), language.of(mlpLanguage),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
        EditorView.contentAttributes.of({ 'aria-label': 'model or program source' }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text, kind) {
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        effects: language.reconfigure(kind === 'mlp' ? mlpLanguage : dlpsLanguage),
      });
    },
    showError(e) {
      if (!e || e.line === undefined) { view.dispatch(setDiagnostics(view.state, [])); return; }
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(1, e.line), doc.lines));
      const from = Math.min(line.to, line.from + Math.max(0, (e.column ?? 1) - 1));
      const to = Math.min(line.to, from + 1) > from ? from + 1 : from;
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: 'error', message: e.message }]));
    },
  };
}
