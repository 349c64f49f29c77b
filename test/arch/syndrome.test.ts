import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EC,
  FSC,
  decodeEsr,
  ecName,
  esrBrk,
  esrDataAbort,
  esrHvc,
  esrInstructionAbort,
  esrPcAlignment,
  esrSmc,
  esrSpAlignment,
  esrSvc,
  esrSysReg,
  esrUnknown,
  esrWfx,
  faultStatusName,
  formatEsr,
  knownSysregNames,
  sysRegAccessOf,
  sysregEncoding,
  sysregName,
} from '../../emulator/arch/aarch64/syndrome';

function field(esr: number | bigint, name: string): number | undefined {
  return decodeEsr(esr).fields.find((x) => x.name === name)?.value;
}

test('known real values', () => {
  // SVC #0 from AArch64 (what Linux reports for a user system call): EC=0x15, IL=1.
  const svc = decodeEsr(0x56000000);
  assert.equal(svc.ec, 0x15);
  assert.equal(svc.ecName, 'SVC (AArch64)');
  assert.equal(svc.il, true);
  assert.equal(field(0x56000000, 'imm16'), 0);
  // HVC #0: EC=0x16, IL=1.
  assert.equal(esrHvc(0), 0x5a000000);
  assert.equal(decodeEsr(0x5a000000).ecName, 'HVC (AArch64)');
  // SMC #0.
  assert.equal(esrSmc(0), 0x5e000000);
  // 0x96000050: data abort from the same EL, WnR=1, DFSC=0x10 (synchronous external abort).
  const da = decodeEsr(0x96000050);
  assert.equal(da.ec, 0x25);
  assert.equal(da.ecName, 'Data abort from same EL');
  assert.equal(field(0x96000050, 'WnR'), 1);
  assert.equal(field(0x96000050, 'DFSC'), 0x10);
  assert.equal(field(0x96000050, 'ISV'), 0);
  assert.equal(field(0x96000050, 'SRT'), undefined, 'SRT only exists with ISV=1');
  // Linux BUG(): BRK #0x800 -> ESR 0xf2000800.
  assert.equal(esrBrk(0x800), 0xf2000800);
  assert.equal(field(0xf2000800, 'comment'), 0x800);
  // A translation fault at level 3 on a user read (page not present): 0x92000007.
  assert.equal(decodeEsr(0x92000007).ecName, 'Data abort from lower EL');
  assert.equal(decodeEsr(0x92000007).fields.find((x) => x.name === 'DFSC')?.meaning, 'translation fault, level 3');
  // Undefined instruction.
  assert.equal(esrUnknown(), 0x02000000);
  assert.equal(decodeEsr(0x02000000).ecName, 'Unknown reason');
  // WFI / WFE.
  assert.equal(esrWfx(0), 0x06000000);
  assert.equal(esrWfx(1), 0x06000001);
  assert.equal(decodeEsr(0x06000001).fields.find((x) => x.name === 'TI')?.meaning, 'WFE');
  // Alignment faults.
  assert.equal(esrPcAlignment(), 0x8a000000);
  assert.equal(esrSpAlignment(), 0x9a000000);
});

test('formatEsr: one readable line', () => {
  assert.equal(formatEsr(0x92000050), 'EC=0x24 data abort from lower EL: WnR=1 (write) DFSC=0x10 synchronous external abort');
  assert.equal(formatEsr(0x56000000), 'EC=0x15 SVC (AArch64): imm16=0x0');
  assert.equal(formatEsr(0x54000000), 'EC=0x15 SVC (AArch64): imm16=0x0 IL=0 (16-bit instruction)');
  assert.equal(formatEsr(0x02000000), 'EC=0x00 unknown reason');
  assert.equal(formatEsr(esrSysReg({ op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, rt: 0, read: true })), 'EC=0x18 MSR/MRS/system instruction: MRS x0, CNTVCT_EL0');
  assert.equal(formatEsr(esrSysReg({ op0: 3, op1: 0, crn: 12, crm: 12, op2: 1, rt: 5, read: false })), 'EC=0x18 MSR/MRS/system instruction: MSR ICC_EOIR1_EL1, x5');
  assert.equal(formatEsr(esrSysReg({ op0: 1, op1: 0, crn: 8, crm: 3, op2: 0, rt: 31, read: false })), 'EC=0x18 MSR/MRS/system instruction: SYS TLBI VMALLE1IS, xzr');
  assert.match(formatEsr(0xe8000000), /^EC=0x3a /);
  assert.equal(formatEsr(0x2c000000 | (1 << 25) | 0x42), 'EC=0x0b reserved: ISS=0x42');
  assert.equal(formatEsr(0xbe000011), 'EC=0x2f SError interrupt: DFSC=0x11 asynchronous SError interrupt');
});

test('MRS CNTVCT_EL0 syndrome bit positions', () => {
  const v = esrSysReg({ op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, rt: 0, read: true });
  assert.equal(v, 0x6234f801);
  assert.deepEqual(sysRegAccessOf(v), { op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, rt: 0, read: true });
  assert.deepEqual(
    decodeEsr(v).fields.map((x) => [x.name, x.value]),
    [
      ['Op0', 3],
      ['Op2', 2],
      ['Op1', 3],
      ['CRn', 14],
      ['Rt', 0],
      ['CRm', 0],
      ['Direction', 1],
    ],
  );
});

test('every builder round-trips through decode', () => {
  for (const imm of [0, 1, 0x1234, 0xffff]) {
    for (const il of [true, false]) {
      const d = decodeEsr(esrSvc(imm, il));
      assert.equal(d.ec, EC.Svc64);
      assert.equal(d.il, il);
      assert.equal(d.fields[0]?.value, imm);
    }
    assert.equal(decodeEsr(esrBrk(imm)).ec, EC.Brk64);
    assert.equal(field(esrBrk(imm), 'comment'), imm);
    assert.equal(field(esrHvc(imm), 'imm16'), imm);
  }
  assert.equal(decodeEsr(esrUnknown(false)).il, false);

  for (const sameEl of [false, true]) {
    for (const wnr of [false, true]) {
      for (const dfsc of [FSC.translation(0), FSC.translation(3), FSC.accessFlag(2), FSC.permission(3), FSC.SYNC_EXTERNAL, FSC.ALIGNMENT]) {
        const v = esrDataAbort({ sameEl, wnr, dfsc, ea: dfsc === FSC.SYNC_EXTERNAL, fnv: dfsc === FSC.ALIGNMENT, cm: true, s1ptw: true });
        const d = decodeEsr(v);
        assert.equal(d.ec, sameEl ? 0x25 : 0x24);
        assert.equal(d.il, true);
        assert.equal(field(v, 'WnR'), wnr ? 1 : 0);
        assert.equal(field(v, 'DFSC'), dfsc);
        assert.equal(field(v, 'EA'), dfsc === FSC.SYNC_EXTERNAL ? 1 : 0);
        assert.equal(field(v, 'FnV'), dfsc === FSC.ALIGNMENT ? 1 : 0);
        assert.equal(field(v, 'CM'), 1);
        assert.equal(field(v, 'S1PTW'), 1);
        assert.equal(field(v, 'ISV'), 0);
      }
    }
  }

  for (const sameEl of [false, true]) {
    const v = esrInstructionAbort({ sameEl, ifsc: FSC.permission(2), ea: true, fnv: true, s1ptw: true });
    const d = decodeEsr(v);
    assert.equal(d.ec, sameEl ? 0x21 : 0x20);
    assert.equal(field(v, 'IFSC'), 0x0e);
    assert.equal(field(v, 'EA'), 1);
    assert.equal(field(v, 'FnV'), 1);
    assert.equal(field(v, 'S1PTW'), 1);
  }

  for (let i = 0; i < 200; i++) {
    const a = { op0: i & 3, op1: (i >> 2) & 7, crn: (i * 7) & 15, crm: (i * 3) & 15, op2: (i * 5) & 7, rt: (i * 11) & 31, read: (i & 1) === 1 };
    assert.deepEqual(sysRegAccessOf(esrSysReg(a)), a);
  }

  for (const ti of [0, 1, 2, 3] as const) assert.equal(field(esrWfx(ti), 'TI'), ti);
  assert.equal(field(esrWfx(2, 7), 'RN'), 7);
  assert.equal(field(esrWfx(2, 7), 'RV'), 1);
});

test('data abort with ISV=1: the access can be emulated from the syndrome', () => {
  // STR w2, [x1] to an MMIO register from EL1 lower EL: SAS=word, SRT=2, SF=0, WnR=1, DFSC=translation L3.
  const v = esrDataAbort({ sameEl: false, wnr: true, dfsc: FSC.translation(3), isv: { sas: 2, srt: 2, sf: false } });
  assert.equal(v, 0x93820047);
  const d = decodeEsr(v);
  assert.equal(field(v, 'ISV'), 1);
  assert.equal(field(v, 'SAS'), 2);
  assert.equal(d.fields.find((x) => x.name === 'SAS')?.meaning, 'word');
  assert.equal(field(v, 'SRT'), 2);
  assert.equal(d.fields.find((x) => x.name === 'SRT')?.meaning, 'w2');
  assert.equal(field(v, 'SF'), 0);
  assert.equal(field(v, 'SSE'), 0);
  assert.equal(field(v, 'AR'), 0);
  assert.equal(field(v, 'WnR'), 1);
  assert.equal(formatEsr(v), 'EC=0x24 data abort from lower EL: ISV=1 (syndrome valid) SAS=2 (word) SRT=2 (w2) WnR=1 (write) DFSC=0x07 translation fault, level 3');

  // LDRSH x30, [x0] with acquire: SAS=halfword, SSE=1, SRT=30, SF=1, AR=1.
  const w = esrDataAbort({ sameEl: true, wnr: false, dfsc: FSC.SYNC_EXTERNAL, ea: true, isv: { sas: 1, sse: true, srt: 30, sf: true, ar: true } });
  assert.equal(field(w, 'SAS'), 1);
  assert.equal(field(w, 'SSE'), 1);
  assert.equal(field(w, 'SRT'), 30);
  assert.equal(field(w, 'SF'), 1);
  assert.equal(field(w, 'AR'), 1);
  assert.equal(decodeEsr(w).fields.find((x) => x.name === 'SRT')?.meaning, 'x30');
  assert.equal(field(w, 'WnR'), 0);
  assert.equal(field(w, 'DFSC'), 0x10);
  assert.equal(field(w, 'SET'), 0);
});

test('bigint ESR values and ISS2', () => {
  assert.equal(decodeEsr(0x96000050n).ec, 0x25);
  const d = decodeEsr((0x5n << 32n) | 0x96000050n);
  assert.equal(d.fields.find((x) => x.name === 'ISS2')?.value, 5);
  assert.equal(decodeEsr(0x56000000n).iss, 0);
});

test('EC names cover the table', () => {
  const expected: [number, string][] = [
    [0x00, 'Unknown reason'],
    [0x01, 'WFI/WFE'],
    [0x15, 'SVC (AArch64)'],
    [0x16, 'HVC (AArch64)'],
    [0x17, 'SMC (AArch64)'],
    [0x18, 'MSR/MRS/system instruction'],
    [0x20, 'Instruction abort from lower EL'],
    [0x21, 'Instruction abort from same EL'],
    [0x22, 'PC alignment fault'],
    [0x24, 'Data abort from lower EL'],
    [0x25, 'Data abort from same EL'],
    [0x26, 'SP alignment fault'],
    [0x2c, 'Floating-point exception (AArch64)'],
    [0x2f, 'SError interrupt'],
    [0x3c, 'BRK (AArch64)'],
    [0x11, 'SVC (AArch32)'],
    [0x12, 'HVC (AArch32)'],
    [0x13, 'SMC (AArch32)'],
  ];
  for (const [ec, name] of expected) assert.equal(ecName(ec), name);
  for (const ec of [0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0c, 0x0d, 0x0e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35]) assert.doesNotMatch(ecName(ec), /Reserved/);
  assert.equal(ecName(0x3f), 'Reserved EC 0x3f');
});

test('fault status names', () => {
  assert.equal(faultStatusName(0x00), 'address size fault, level 0');
  assert.equal(faultStatusName(0x03), 'address size fault, level 3');
  assert.equal(faultStatusName(0x04), 'translation fault, level 0');
  assert.equal(faultStatusName(0x09), 'access flag fault, level 1');
  assert.equal(faultStatusName(0x0f), 'permission fault, level 3');
  assert.equal(faultStatusName(0x10), 'synchronous external abort');
  assert.equal(faultStatusName(0x21), 'alignment fault');
  assert.equal(faultStatusName(0x3f), 'reserved');
});

test('system register names', () => {
  assert.equal(sysregName(3, 0, 1, 0, 0), 'SCTLR_EL1');
  assert.equal(sysregName(3, 0, 2, 0, 2), 'TCR_EL1');
  assert.equal(sysregName(3, 0, 12, 0, 0), 'VBAR_EL1');
  assert.equal(sysregName(3, 0, 0, 0, 5), 'MPIDR_EL1');
  assert.equal(sysregName(3, 3, 14, 0, 0), 'CNTFRQ_EL0');
  assert.equal(sysregName(3, 3, 14, 3, 1), 'CNTV_CTL_EL0');
  assert.equal(sysregName(3, 0, 12, 12, 0), 'ICC_IAR1_EL1');
  assert.equal(sysregName(3, 0, 12, 11, 5), 'ICC_SGI1R_EL1');
  assert.equal(sysregName(3, 0, 4, 6, 0), 'ICC_PMR_EL1');
  assert.equal(sysregName(3, 3, 4, 2, 1), 'DAIF');
  assert.equal(sysregName(2, 0, 0, 2, 2), 'MDSCR_EL1');
  assert.equal(sysregName(3, 1, 15, 2, 0), 'S3_1_C15_C2_0');
  assert.deepEqual(sysregEncoding('cntvct_el0'), { op0: 3, op1: 3, crn: 14, crm: 0, op2: 2 });
  assert.deepEqual(sysregEncoding('S3_1_C15_C2_0'), { op0: 3, op1: 1, crn: 15, crm: 2, op2: 0 });
  assert.equal(sysregEncoding('NOPE_EL1'), undefined);
  // No two names share an encoding, and every name maps back to itself.
  for (const name of knownSysregNames()) {
    const e = sysregEncoding(name);
    assert.ok(e, name);
    assert.equal(sysregName(e.op0, e.op1, e.crn, e.crm, e.op2), name);
  }
});
