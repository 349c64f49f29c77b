// The one system-register table (emulator/arch/aarch64/sysregs/): coverage of the registers the
// language server promises, consistent fields, and Persona's guest-access rules derived from the
// emulator (timer registers trap, EL2/EL3 and GICv3 are UNDEFINED), plus syndrome.ts reading it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TIMER_REGISTERS } from '../../emulator/arch/aarch64/generic-timer';
import { knownSysregNames, sysregName } from '../../emulator/arch/aarch64/syndrome';
import { guestAccess } from '../../emulator/arch/aarch64/sysregs/persona-access';
import { SYSREGS, encodingKey, sysregByEncoding, sysregByName } from '../../emulator/arch/aarch64/sysregs/table';

const REQUIRED = [
  'SCTLR_EL1', 'TCR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'MAIR_EL1', 'VBAR_EL1', 'ESR_EL1', 'FAR_EL1', 'ELR_EL1', 'SPSR_EL1', 'SP_EL0', 'CPACR_EL1',
  'CNTFRQ_EL0', 'CNTVCT_EL0', 'CNTPCT_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0', 'CNTV_TVAL_EL0', 'CNTP_CTL_EL0', 'CNTP_CVAL_EL0', 'CNTP_TVAL_EL0',
  'CNTKCTL_EL1', 'MPIDR_EL1', 'MIDR_EL1', 'CurrentEL', 'DAIF', 'NZCV', 'SPSel', 'TPIDR_EL0', 'TPIDR_EL1', 'TPIDRRO_EL0', 'CONTEXTIDR_EL1',
  'ID_AA64PFR0_EL1', 'ID_AA64MMFR0_EL1', 'ICC_SRE_EL1', 'ICC_IAR1_EL1', 'ICC_PMR_EL1', 'HCR_EL2', 'VBAR_EL2',
];

test('every promised register is in the table, with a summary', () => {
  for (const name of REQUIRED) {
    const s = sysregByName(name);
    assert.ok(s, name);
    assert.ok(s.summary.length > 10, name);
  }
});

test('names and encodings are unique; fields fit and do not overlap', () => {
  assert.equal(new Set(SYSREGS.map((s) => s.name.toUpperCase())).size, SYSREGS.length);
  assert.equal(new Set(SYSREGS.map((s) => encodingKey(s.encoding))).size, SYSREGS.length);
  for (const s of SYSREGS) {
    const used = new Set<number>();
    for (const f of s.fields) {
      assert.ok(f.hi >= f.lo && f.hi < s.width, `${s.name}.${f.name}`);
      for (let b = f.lo; b <= f.hi; b++) {
        assert.ok(!used.has(b), `${s.name}.${f.name} overlaps at bit ${b}`);
        used.add(b);
      }
    }
    if (s.reset) assert.ok(s.reset.value >= 0n && s.reset.value < 1n << 64n, s.name);
  }
});

test('reset values fixed by the architecture, QEMU cortex-a72 and Persona', () => {
  assert.equal(sysregByName('MIDR_EL1')!.reset!.value, 0x410f_d083n);
  assert.equal(sysregByName('SCTLR_EL1')!.reset!.value, 0x30d0_0800n);
  assert.equal(sysregByName('DAIF')!.reset!.value, 0x3c0n);
  assert.equal(sysregByName('CNTFRQ_EL0')!.reset!.source, 'persona');
  assert.equal(sysregByName('TCR_EL1')!.reset, undefined);
});

test('access: identification and counters are read-only; system instructions write-only', () => {
  for (const name of ['MIDR_EL1', 'MPIDR_EL1', 'CurrentEL', 'CNTVCT_EL0', 'CNTPCT_EL0', 'ID_AA64PFR0_EL1', 'ICC_IAR1_EL1']) assert.equal(sysregByName(name)!.access, 'ro', name);
  for (const name of ['ICC_EOIR1_EL1', 'DC CIVAC', 'TLBI VMALLE1IS']) assert.equal(sysregByName(name)!.access, 'wo', name);
});

test('guest access under Persona: exactly the timer registers the vCPU hooks trap', () => {
  const trapping = SYSREGS.filter((s) => guestAccess(s.encoding, s).outcome === 'trap').map((s) => s.name).sort();
  assert.deepEqual(trapping, TIMER_REGISTERS.map((e) => sysregByEncoding(e)!.name).sort());
  assert.equal(guestAccess(sysregByName('HCR_EL2')!.encoding).outcome, 'undefined');
  assert.equal(guestAccess(sysregByName('SCR_EL3')!.encoding).outcome, 'undefined');
  assert.equal(guestAccess(sysregByName('ICC_SRE_EL1')!.encoding, sysregByName('ICC_SRE_EL1')).outcome, 'undefined');
  assert.equal(guestAccess(sysregByName('SCTLR_EL1')!.encoding).outcome, 'native');
  assert.equal(guestAccess(sysregByName('CNTVCT_EL0')!.encoding).outcome, 'native');
});

test('syndrome.ts names come from this table', () => {
  assert.deepEqual(knownSysregNames(), SYSREGS.map((s) => s.name));
  for (const s of SYSREGS) assert.equal(sysregName(s.encoding.op0, s.encoding.op1, s.encoding.crn, s.encoding.crm, s.encoding.op2), s.name);
});
