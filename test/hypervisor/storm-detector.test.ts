import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StormDetector } from '../../emulator/hypervisor/storm-detector';
import { newTrap } from '../../emulator/hypervisor/trap';
import { TrapClass } from '../../emulator/hypervisor/trap-class';

function trap(cls: TrapClass, pc: bigint, far = 0n, esr = 0) {
  return { ...newTrap(), cls, pc, far, esr };
}

test('a jump into nowhere followed by a faulting vector is reported with its origin', () => {
  const d = new StormDetector(100);
  assert.equal(d.observe(trap(TrapClass.InstructionAbort, 0x8000_0000n, 0x8000_0000n, 0x86000010)), undefined);
  let reason: string | undefined;
  for (let i = 0; i < 100 && !reason; i++) reason = d.observe(trap(TrapClass.Undefined, 0x200n, 0x8000_0000n, 0x02000000));
  assert.ok(reason, 'storm reported');
  assert.match(reason, /undefined-instruction exception at 0x200 100 times/);
  assert.match(reason, /began with instruction abort at 0x80000000 \(address 0x80000000\)/);
});

test('system calls in a loop and progress between faults are not a storm', () => {
  const d = new StormDetector(100);
  for (let i = 0; i < 1000; i++) assert.equal(d.observe(trap(TrapClass.Svc, 0x1000n)), undefined);
  for (let i = 0; i < 1000; i++) assert.equal(d.observe(trap(TrapClass.DataAbort, 0x1000n, BigInt(i) * 4096n, 0x92000007)), undefined);
  for (let i = 0; i < 1000; i++) {
    assert.equal(d.observe(trap(TrapClass.Undefined, 0x2000n)), undefined);
    d.observe(trap(TrapClass.Hypercall, 0x2004n));
  }
});
