// The emulator's debugger verbs on a persona: breakpoints stop before the instruction, resuming
// runs over them, instruction steps follow sequential code, calls and exceptions, and none of it
// changes what the guest does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Persona } from '../../emulator/hypervisor/persona';
import { loadGuestImage } from '../../emulator/loader/image';
import { VIRT } from '../../emulator/platform/virt-map';
import { guest } from '../helpers/project';

function boot(name: string, deterministic = false): { p: Persona; out: () => string; symbol: (n: string) => bigint } {
  const path = guest(name);
  const image = loadGuestImage(path, readFileSync(path), {
    regions: [{ name: 'flash', base: VIRT.flash.base, size: VIRT.flash.size }, { name: 'ram', base: VIRT.ram.base, size: 128n << 20n }],
  });
  const chunks: Buffer[] = [];
  const p = new Persona({ id: 0, name, ramBytes: 128n << 20n, cpus: 1, image, deterministic, onConsole: (b) => chunks.push(Buffer.from(b)) });
  const symbol = (n: string) => {
    const s = image.symbols.find((x) => x.name === n);
    assert.ok(s, `symbol ${n}`);
    return s.value;
  };
  return { p, out: () => Buffer.concat(chunks).toString(), symbol };
}

test('a breakpoint stops before its instruction; resuming runs over it; the output is unchanged', async () => {
  const plain = boot('hello');
  const expected = await plain.p.run();
  plain.p.close();
  const { p, out, symbol } = boot('hello');
  try {
    const kprintf = symbol('kprintf');
    p.setBreakpoints([symbol('main'), kprintf]);
    const first = await p.runUntilStop();
    assert.deepEqual(first, { kind: 'break', reason: 'breakpoint', vcpu: 0, pc: symbol('main') });
    assert.equal(out(), '', 'main has not printed yet');
    let hits = 0;
    for (;;) {
      const s = await p.runUntilStop();
      if (s.kind !== 'break') {
        assert.deepEqual(s, expected);
        break;
      }
      assert.equal(s.pc, kprintf);
      hits++;
    }
    assert.ok(hits >= 3, `kprintf hit ${hits} times`);
    assert.equal(out(), plain.out());
  } finally {
    p.close();
  }
});

test('instruction steps: sequential, into a call, and on to the end', async () => {
  const { p, symbol } = boot('hello');
  try {
    const main = symbol('main');
    p.setBreakpoints([main]);
    await p.runUntilStop();
    p.setBreakpoints([]);
    const pcs: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      const s = await p.stepInstruction(0);
      assert.equal(s.kind, 'break');
      if (s.kind === 'break') {
        assert.equal(s.reason, 'step');
        pcs.push(s.pc);
      }
    }
    // stp, adrp, add, mov, str, then `bl uart_puts` lands on uart_puts' first instruction.
    assert.deepEqual(pcs.slice(0, 5), [main + 4n, main + 8n, main + 12n, main + 16n, main + 20n]);
    assert.equal(pcs[5], symbol('uart_puts'));
    const end = await p.runUntilStop();
    assert.equal(end.kind, 'halted');
  } finally {
    p.close();
  }
});

test('slices that end at block boundaries resume exactly while a breakpoint is set (unicorn skips the PC sync with code hooks)', async () => {
  // A deterministic persona ends every quantum at a block boundary through the native guard;
  // an unhit breakpoint puts a code hook in place. Before the guard wrote the PC itself, resuming
  // re-ran earlier instructions and hello's kprintf padding loop ran ~150 million times.
  const plain = boot('hello');
  const expected = await plain.p.run();
  plain.p.close();
  const { p, out, symbol } = boot('hello', true);
  try {
    p.setBreakpoints([symbol('exception_handler')]);
    let exit;
    for (let quanta = 0; !exit && quanta < 200_000; quanta++) exit = p.stepQuantum(97n);
    assert.deepEqual(exit, expected);
    assert.equal(out(), plain.out());
  } finally {
    p.close();
  }
});
