import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hypercall, hypercallIds, hypercallName, psciFeatureAdvertised, UNKNOWN_HYPERCALL, type HypercallPlatform } from '../../emulator/hypervisor/hypercalls/table';
import { PSCI, PSCI_RET } from '../../emulator/hypervisor/hypercalls/psci';
import { SMCCC } from '../../emulator/hypervisor/hypercalls/smccc';

function platform(cpus = 2): HypercallPlatform & { on: number[] } {
  const state: ('on' | 'off' | 'pending')[] = ['on', ...Array<'off'>(cpus - 1).fill('off')];
  const p = {
    on: [] as number[],
    cpuCount: cpus,
    cpuState: (i: number) => state[i]!,
    cpuOn: (i: number) => { state[i] = 'on'; p.on.push(i); },
    cpuOff: (i: number) => { state[i] = 'off'; },
    cpuSuspend: () => undefined,
    isExecutable: (a: bigint) => a >= 0x4000_0000n && a < 0x4800_0000n,
    services: {
      personaId: 1, personaName: 'work', channel: () => undefined, notify: () => false, readGuest: () => undefined,
      console: () => undefined, yieldCpu: () => undefined, virtualTime: () => 0n,
    },
  };
  return p;
}

const call = (id: number, args: [bigint, bigint, bigint] = [0n, 0n, 0n], p = platform(), caller = 0) => {
  const e = hypercall(id);
  assert.ok(e, `0x${id.toString(16)} is in the table`);
  return e.handler({ id, args, caller, platform: p });
};

test('versions: PSCI 1.1 and SMCCC 1.1', () => {
  assert.equal(call(PSCI.VERSION).x0, 0x10001n);
  assert.equal(call(SMCCC.VERSION).x0, 0x10001n);
  assert.equal(call(PSCI.MIGRATE_INFO_TYPE).x0, 2n);
});

test('PSCI_FEATURES answers as QEMU 7.2: the PSCI calls it implements, NOT_SUPPORTED for the rest', () => {
  // QEMU 7.2 target/arm/psci.c: PSCI_FEATURES -> 0 for exactly these.
  const qemu: number[] = [PSCI.VERSION, PSCI.FEATURES, PSCI.CPU_SUSPEND, PSCI.CPU_SUSPEND64, PSCI.CPU_OFF, PSCI.CPU_ON, PSCI.CPU_ON64,
    PSCI.AFFINITY_INFO, PSCI.AFFINITY_INFO64, PSCI.MIGRATE_INFO_TYPE, PSCI.SYSTEM_OFF, PSCI.SYSTEM_RESET];
  for (const id of hypercallIds()) {
    const want = qemu.includes(id) ? PSCI_RET.SUCCESS : PSCI_RET.NOT_SUPPORTED;
    assert.equal(call(PSCI.FEATURES, [BigInt(id), 0n, 0n]).x0, want, hypercallName(id));
    assert.equal(psciFeatureAdvertised(id), want === PSCI_RET.SUCCESS, hypercallName(id));
  }
  // Linux's boot probes: SMCCC_VERSION (so it assumes SMCCC 1.0), CPU_SUSPEND64, SYSTEM_SUSPEND64, SYSTEM_RESET2_64.
  assert.equal(call(PSCI.FEATURES, [BigInt(SMCCC.VERSION), 0n, 0n]).x0, PSCI_RET.NOT_SUPPORTED);
  assert.equal(call(PSCI.FEATURES, [BigInt(PSCI.CPU_SUSPEND64), 0n, 0n]).x0, PSCI_RET.SUCCESS);
  assert.equal(call(PSCI.FEATURES, [BigInt(PSCI.SYSTEM_SUSPEND64), 0n, 0n]).x0, PSCI_RET.NOT_SUPPORTED);
  assert.equal(call(PSCI.FEATURES, [BigInt(PSCI.SYSTEM_RESET2_64), 0n, 0n]).x0, PSCI_RET.NOT_SUPPORTED);
  assert.equal(call(PSCI.FEATURES, [0x8400_00ffn, 0n, 0n]).x0, PSCI_RET.NOT_SUPPORTED);
  assert.equal(call(SMCCC.ARCH_FEATURES, [0x8000_8000n, 0n, 0n]).x0, -1n);
  assert.equal(call(SMCCC.ARCH_FEATURES, [BigInt(SMCCC.VERSION), 0n, 0n]).x0, 0n);
  assert.equal(call(SMCCC.ARCH_FEATURES, [BigInt(PSCI.VERSION), 0n, 0n]).x0, -1n, 'PSCI ids are not arch features');
});

test('CPU_ON: powers a CPU on once, refuses bad targets and entry points', () => {
  const p = platform(2);
  assert.equal(call(PSCI.CPU_ON64, [1n, 0x4008_0000n, 7n], p).x0, PSCI_RET.SUCCESS);
  assert.deepEqual(p.on, [1]);
  assert.equal(call(PSCI.CPU_ON64, [1n, 0x4008_0000n, 7n], p).x0, PSCI_RET.ALREADY_ON);
  assert.equal(call(PSCI.CPU_ON64, [5n, 0x4008_0000n, 0n], p).x0, PSCI_RET.INVALID_PARAMETERS);
  assert.equal(call(PSCI.CPU_ON64, [0x100n, 0x4008_0000n, 0n], p).x0, PSCI_RET.INVALID_PARAMETERS);
  const q = platform(2);
  assert.equal(call(PSCI.CPU_ON64, [1n, 0x9000_0000n, 0n], q).x0, PSCI_RET.INVALID_ADDRESS);
  assert.deepEqual(q.on, []);
});

test('AFFINITY_INFO follows CPU_ON and CPU_OFF', () => {
  const p = platform(2);
  assert.equal(call(PSCI.AFFINITY_INFO64, [1n, 0n, 0n], p).x0, 1n);
  call(PSCI.CPU_ON64, [1n, 0x4008_0000n, 0n], p);
  assert.equal(call(PSCI.AFFINITY_INFO64, [1n, 0n, 0n], p).x0, 0n);
  call(PSCI.CPU_OFF, [0n, 0n, 0n], p, 1);
  assert.equal(call(PSCI.AFFINITY_INFO64, [1n, 0n, 0n], p).x0, 1n);
  assert.equal(call(PSCI.AFFINITY_INFO64, [1n, 1n, 0n], p).x0, PSCI_RET.INVALID_PARAMETERS);
});

test('SYSTEM_OFF halts with 0, SYSTEM_RESET halts with a reason', () => {
  assert.deepEqual(call(PSCI.SYSTEM_OFF).outcome, { kind: 'halt', code: 0, reason: 'the guest powered off (PSCI SYSTEM_OFF)' });
  assert.equal(call(PSCI.SYSTEM_RESET).outcome?.kind, 'halt');
});

test('unknown ids answer NOT_SUPPORTED', () => {
  for (const id of [0, 0x8400_00ff, 0xc600_00ff, 0xffff_ffff, 0x8000_ffff]) assert.equal(hypercall(id), undefined);
  assert.equal(UNKNOWN_HYPERCALL.x0, -1n);
});

import { semihostingCall, SYS } from '../../emulator/hypervisor/semihosting';

test('semihosting: a pointer to nowhere fails with -1, never reaches the host', () => {
  const written: Uint8Array[] = [];
  const host = { readMemory: () => undefined, write: (b: Uint8Array) => { written.push(b); }, handles: new Map([[1, true]]) };
  for (const op of [SYS.WRITEC, SYS.WRITE0, SYS.WRITE, SYS.OPEN, SYS.EXIT]) {
    assert.deepEqual(semihostingCall(op, 0xdead_0000n, host), { x0: 0xffff_ffff_ffff_ffffn }, `op 0x${op.toString(16)}`);
  }
  assert.equal(written.length, 0);
});
