// The bundled hardware presets, imported statically so every consumer (CLI, browser
// playground) gets the same data without reading a folder at run time. Add a preset here and
// as a JSON file next to this one.
import diannao from './diannao.json' with { type: 'json' };
import dlpS from './dlp-s.json' with { type: 'json' };
import edgeTiny from './edge-tiny.json' with { type: 'json' };
import systolic16Os from './systolic-16-os.json' with { type: 'json' };
import systolic32Ws from './systolic-32-ws.json' with { type: 'json' };

/** Raw (unvalidated) preset JSON by name; hardware.ts validates on load. */
export const PRESET_JSON: Readonly<Record<string, unknown>> = {
  'diannao': diannao,
  'dlp-s': dlpS,
  'edge-tiny': edgeTiny,
  'systolic-16-os': systolic16Os,
  'systolic-32-ws': systolic32Ws,
};
