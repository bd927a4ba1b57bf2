// Frozen parameters: the book's back-propagation example keeps the biases fixed ("固定偏置")
// and updates only the weights. Training takes a list of parameter names to leave alone;
// a name is `layer.param` as in `Model.namedParams()` (`fc1.bias`), and `*` matches any run
// of characters, so `*.bias` freezes every bias and `fc2.*` the whole second layer.
import { DlpError } from '../isa/errors.js';
import type { Model } from './model.js';
import type { Param } from './nn/layer.js';

/** Parameters of `model` matching none of `patterns` (all of them when there are none). */
export function trainableParams(model: Model, patterns: readonly string[] = []): Param[] {
  const named = model.namedParams();
  if (patterns.length === 0) return named.map((n) => n.param);
  const frozen = new Set<Param>();
  for (const pattern of patterns) {
    const re = patternRegExp(pattern);
    const hits = named.filter((n) => re.test(n.name));
    if (hits.length === 0) {
      throw new DlpError(`freeze: '${pattern}' matches no parameter (the model has ${named.map((n) => n.name).join(', ')})`);
    }
    for (const h of hits) frozen.add(h.param);
  }
  return named.filter((n) => !frozen.has(n.param)).map((n) => n.param);
}

/** Splits a comma-separated list such as `*.bias,fc1.weight` into patterns. */
export function parseFreezeList(text: string): string[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '' || !/^[A-Za-z0-9_.*-]+$/.test(p))) {
    throw new DlpError(`--freeze must be comma-separated parameter names like fc1.bias or *.bias, got '${text}'`);
  }
  return parts;
}

function patternRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}
