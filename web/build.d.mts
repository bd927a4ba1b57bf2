// Types for web/build.mjs (the playground's esbuild script), for the tests that build the site.
/** One production build of the playground into `outdir` (default web/dist); resolves to it. */
export function buildSite(outdir?: string): Promise<string>;
