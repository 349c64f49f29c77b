// The architectural state of one vCPU that a snapshot carries: general, FP/SIMD and the EL1/EL0
// system registers a guest kernel programs. The hypervisor's own EL2/EL3 registers are not saved:
// a new vCPU sets them up itself. Restore order matters (see restoreVcpuRegisters).
import type { SysRegEncoding, UnicornEngine } from '../../engine/unicorn';
import { A64, xReg } from '../../engine/unicorn-constants';
import { SYSREG } from './sysreg-encodings';
import { sysregByName } from './sysregs/table';

/** EL1/EL0 system registers saved through CP_REG (encodings from the system-register table). */
const SAVED_SYSREGS: Readonly<Record<string, SysRegEncoding>> = Object.fromEntries(
  ['SCTLR_EL1', 'TCR_EL1', 'MAIR_EL1', 'AMAIR_EL1', 'CONTEXTIDR_EL1', 'CNTKCTL_EL1', 'MDSCR_EL1', 'AFSR0_EL1', 'AFSR1_EL1', 'CSSELR_EL1', 'SPSR_EL1']
    .map((name) => {
      const spec = sysregByName(name);
      if (!spec) throw new Error(`${name} is missing from the system-register table`);
      return [name, spec.encoding];
    }),
);

/** Registers with their own unicorn ids. */
const DIRECT = {
  TTBR0_EL1: A64.TTBR0_EL1, TTBR1_EL1: A64.TTBR1_EL1, VBAR_EL1: A64.VBAR_EL1, ESR_EL1: A64.ESR_EL1, FAR_EL1: A64.FAR_EL1,
  ELR_EL1: A64.ELR_EL1, PAR_EL1: A64.PAR_EL1, CPACR_EL1: A64.CPACR_EL1, TPIDR_EL0: A64.TPIDR_EL0, TPIDRRO_EL0: A64.TPIDRRO_EL0,
  TPIDR_EL1: A64.TPIDR_EL1, FPCR: A64.FPCR, FPSR: A64.FPSR, SP_EL0: A64.SP_EL0, SP_EL1: A64.SP_EL1,
} as const;

/** Decimal strings: JSON has no 64-bit integers. */
export interface VcpuRegisterState {
  x: string[];
  sp: string;
  pc: string;
  pstate: string;
  /** Q0..Q31 as 32 hex digits each (little-endian 128-bit values). */
  q: string[];
  sys: Record<string, string>;
}

export function saveVcpuRegisters(e: UnicornEngine): VcpuRegisterState {
  const sys: Record<string, string> = {};
  for (const [name, enc] of Object.entries(SAVED_SYSREGS)) sys[name] = e.readSysReg(enc).toString();
  for (const [name, id] of Object.entries(DIRECT)) sys[name] = e.readReg(id).toString();
  return {
    x: Array.from({ length: 31 }, (_, n) => e.readReg(xReg(n)).toString()),
    sp: e.readReg(A64.SP).toString(),
    pc: e.readReg(A64.PC).toString(),
    pstate: e.readReg(A64.PSTATE).toString(),
    q: Array.from({ length: 32 }, (_, n) => Buffer.from(e.readReg128(A64.Q0 + n)).toString('hex')),
    sys,
  };
}

function num(s: unknown, what: string): bigint {
  if (typeof s !== 'string' || !/^\d+$/.test(s)) throw new Error(`vCPU register ${what} is not a number`);
  return BigInt(s);
}

/**
 * System registers first; then PSTATE followed by a CP_REG write (SPSR_EL1), which makes QEMU
 * rebuild its cached flags for the restored exception level; then the banked stack pointers and
 * last the live SP, which belongs to whichever bank PSTATE now selects.
 */
export function restoreVcpuRegisters(e: UnicornEngine, s: VcpuRegisterState): void {
  if (!Array.isArray(s.x) || s.x.length !== 31 || !Array.isArray(s.q) || s.q.length !== 32 || typeof s.sys !== 'object') {
    throw new Error('vCPU registers are incomplete');
  }
  for (const [name, enc] of Object.entries(SAVED_SYSREGS)) if (name !== 'SPSR_EL1') e.writeSysReg(enc, num(s.sys[name], name));
  for (const [name, id] of Object.entries(DIRECT)) if (name !== 'SP_EL0' && name !== 'SP_EL1') e.writeReg(id, num(s.sys[name], name));
  s.x.forEach((v, n) => e.writeReg(xReg(n), num(v, `x${n}`)));
  s.q.forEach((hex, n) => {
    if (typeof hex !== 'string' || !/^[0-9a-f]{32}$/.test(hex)) throw new Error(`vCPU register q${n} is not 128 bits of hex`);
    e.writeReg128(A64.Q0 + n, Buffer.from(hex, 'hex'));
  });
  e.writeReg(A64.PSTATE, num(s.pstate, 'PSTATE'));
  e.writeSysReg(SYSREG.SPSR_EL1, num(s.sys.SPSR_EL1, 'SPSR_EL1'));
  e.writeReg(A64.SP_EL0, num(s.sys.SP_EL0, 'SP_EL0'));
  e.writeReg(A64.SP_EL1, num(s.sys.SP_EL1, 'SP_EL1'));
  e.writeReg(A64.SP, num(s.sp, 'SP'));
  e.writeReg(A64.PC, num(s.pc, 'PC'));
}
