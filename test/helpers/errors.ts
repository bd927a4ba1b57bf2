// Runs `f`, asserts it throws the project's DlpError, and returns the message so a table-driven
// test can pin it exactly.
import { expect } from 'vitest';
import { DlpError } from '../../isa/errors.js';

export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DlpError);
    return (e as DlpError).message;
  }
  throw new Error('expected a DlpError');
}
