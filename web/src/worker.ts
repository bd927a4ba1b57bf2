// The simulation worker: compiles and simulates off the page's thread so editing never freezes.
import { classifyDigit, runState, toSourceError } from './engine.js';
import type { Request, Response } from './protocol.js';

const post = (r: Response): void => (self as unknown as { postMessage(m: Response): void }).postMessage(r);

self.onmessage = (ev: MessageEvent<Request>) => {
  const req = ev.data;
  try {
    if (req.type === 'run') post({ type: 'run', id: req.id, ok: true, result: runState(req.state) });
    else post({ type: 'digit', id: req.id, ok: true, result: classifyDigit(req.pixels) });
  } catch (e) {
    post({ type: req.type, id: req.id, ok: false, error: toSourceError(e) } as Response);
  }
};
