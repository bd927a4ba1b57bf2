// The playground state in the URL hash: JSON, deflate-compressed with the browser's own
// CompressionStream and base64url-encoded, so a shared link reproduces the run.
import type { PlaygroundState } from './protocol.js';

const PREFIX = '#s=';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export async function encodeState(state: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The state in `hash`, or undefined when there is none or it does not decode. */
export async function decodeState(hash: string): Promise<Partial<PlaygroundState> | undefined> {
  if (!hash.startsWith(PREFIX)) return undefined;
  try {
    const json = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
    const raw = JSON.parse(new TextDecoder().decode(json)) as Record<string, unknown>;
    const out: Partial<PlaygroundState> = {};
    if (raw.kind === 'mlp' || raw.kind === 'dlps') out.kind = raw.kind;
    if (typeof raw.text === 'string') out.text = raw.text;
    if (typeof raw.preset === 'string') out.preset = raw.preset;
    if (raw.params && typeof raw.params === 'object') {
      out.params = Object.fromEntries(Object.entries(raw.params as Record<string, unknown>).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    }
    if (Number.isInteger(raw.batch)) out.batch = raw.batch as number;
    if (raw.dtype === 'int8' || raw.dtype === 'int16' || raw.dtype === 'fp32') out.dtype = raw.dtype;
    if (Number.isInteger(raw.seed)) out.seed = raw.seed as number;
    return out;
  } catch {
    return undefined;
  }
}
