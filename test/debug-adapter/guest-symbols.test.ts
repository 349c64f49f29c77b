// The example guests carry what the debugger will need: line tables and call-frame information.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { callFrameInfoOfElf } from '../../debug-adapter/symbols/cfi-elf';
import { loadGuestImage } from '../../emulator/loader/image';
import { guest } from '../helpers/project';

test('the example kernel has .debug_frame CFI covering its functions', () => {
  const path = guest('kernel');
  const bytes = readFileSync(path);
  const cfi = callFrameInfoOfElf(path, bytes);
  const image = loadGuestImage(path, bytes, { regions: [{ name: 'ram', base: 0x4000_0000n, size: 128n << 20n }] });
  const main = image.symbols.find((s) => s.name === 'main' && s.kind === 'func');
  assert.ok(main, 'main is a function symbol');
  assert.ok(cfi.fdes.length > 10, `${cfi.fdes.length} FDEs`);
  assert.ok(cfi.rowAt(main.value), 'an unwind row covers main');
});
