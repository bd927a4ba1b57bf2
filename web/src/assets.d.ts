// esbuild loaders (web/build.mjs): model and program sources as text, binary assets as bytes,
// and the worker bundle as a string the page turns into a Blob URL.
declare module '*.mlp' { const text: string; export default text; }
declare module '*.dlps' { const text: string; export default text; }
declare module '*.safetensors' { const bytes: Uint8Array; export default bytes; }
declare module 'worker-source' { const code: string; export default code; }
