// Node-only: hardware configs by preset name or JSON file path (the CLI's --hw PRESET|FILE.json).
import { readFileSync } from 'node:fs';
import { DlpError } from './errors.js';
import { loadPreset, parseHardwareText, presetNames, type HardwareConfig } from './hardware.js';

/** Loads a preset by name or a JSON file by path. */
export function loadHardware(nameOrFile: string): HardwareConfig {
  if (presetNames().includes(nameOrFile)) return loadPreset(nameOrFile);
  if (!nameOrFile.endsWith('.json')) {
    throw new DlpError(`unknown hardware preset '${nameOrFile}' (presets: ${presetNames().join(', ')}; or give a .json file)`);
  }
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch {
    throw new DlpError(`cannot read hardware file '${nameOrFile}'`);
  }
  return parseHardwareText(text, nameOrFile);
}
