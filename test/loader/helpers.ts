// Shared test helpers: the QEMU virt layout (flash + 128 MiB RAM) and a fault assertion.

import assert from 'node:assert/strict';
import { ImageFormatError } from '../../emulator/loader/errors';
import type { MemoryLayout } from '../../emulator/loader/types';

export const RAM_BASE = 0x4000_0000n;
export const RAM_SIZE = 0x800_0000n;

export const LAYOUT: MemoryLayout = {
  regions: [
    { name: 'flash', base: 0n, size: 0x800_0000n },
    { name: 'ram', base: RAM_BASE, size: RAM_SIZE },
  ],
};

/** Asserts `fn` throws an ImageFormatError for `file` whose fault contains `fault`. */
export function expectFault(fn: () => unknown, file: string, fault: string | RegExp): ImageFormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ImageFormatError, `expected ImageFormatError, got ${String(caught)}`);
  assert.equal(caught.file, file);
  assert.equal(caught.name, 'ImageFormatError');
  assert.ok(caught.message.startsWith(`ImageFormatError: ${file}: `), caught.message);
  assert.equal(String(caught), caught.message);
  assert.ok(caught.stack?.startsWith(`${caught.message}\n`), caught.stack);
  if (typeof fault === 'string') assert.ok(caught.fault.includes(fault), `fault "${caught.fault}" lacks "${fault}"`);
  else assert.match(caught.fault, fault);
  return caught;
}

export function code(n: number, fill = 0xd5): Uint8Array {
  return new Uint8Array(n).fill(fill);
}
