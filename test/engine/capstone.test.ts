// The capstone 5 binding: real AArch64 words decode as capstone prints them (LSE and PAC included,
// which capstone 4 gets wrong), a data word becomes a `.byte` row instead of ending the list, and
// addresses past 2^63 survive the FFI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A64Disassembler } from '../../emulator/engine/capstone';

function words(...w: number[]): Uint8Array {
  const b = new Uint8Array(w.length * 4);
  const dv = new DataView(b.buffer);
  w.forEach((x, i) => dv.setUint32(i * 4, x, true));
  return b;
}

test('decodes A64 instructions, LSE and PAC, with branch targets at the given address', () => {
  const d = new A64Disassembler();
  // mrs x1, esr_el1; ldadd w0, w1, [x2]; paciasp; bl +8 (at +0xc); (data) 0xffffffff
  const insns = d.disassemble(words(0xd5385201, 0xb8200041, 0xd503233f, 0x94000002, 0xffffffff), 0xffff_0000_0000_1000n);
  assert.deepEqual(insns.map((i) => `${i.mnemonic} ${i.operands}`.trim()), [
    'mrs x1, esr_el1', 'ldadd w0, w1, [x2]', 'paciasp', 'bl #0xffff000000001014', '.byte 0xff, 0xff, 0xff, 0xff',
  ]);
  assert.deepEqual(insns.map((i) => i.address), [0n, 4n, 8n, 12n, 16n].map((o) => 0xffff_0000_0000_1000n + o));
  assert.ok(insns.every((i) => i.size === 4));
  assert.deepEqual(d.disassemble(new Uint8Array(0), 0n), []);
});
