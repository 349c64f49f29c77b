// A stopped vCPU's registers by name, read and written: x0–x30 (and w0–w30, fp, lr), sp, pc,
// pstate, v0–v31 (128-bit), and every system register of THE register table (sysregs/table.ts),
// read where the vCPU really keeps it: unicorn's own id, the emulated generic timer, the virtual
// counter, or CP_REG by encoding.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { sysregByName, type SysregSpec } from '../../emulator/arch/aarch64/sysregs/table';
import { A64, xReg } from '../../emulator/engine/unicorn-constants';
import { ValueError } from './typed-value';

/** System registers with their own unicorn ids (CP_REG does not reach them all). */
const DIRECT: Record<string, number> = {
  TTBR0_EL1: A64.TTBR0_EL1, TTBR1_EL1: A64.TTBR1_EL1, VBAR_EL1: A64.VBAR_EL1, ESR_EL1: A64.ESR_EL1, FAR_EL1: A64.FAR_EL1,
  ELR_EL1: A64.ELR_EL1, PAR_EL1: A64.PAR_EL1, CPACR_EL1: A64.CPACR_EL1, TPIDR_EL0: A64.TPIDR_EL0, TPIDRRO_EL0: A64.TPIDRRO_EL0,
  TPIDR_EL1: A64.TPIDR_EL1, FPCR: A64.FPCR, FPSR: A64.FPSR, SP_EL0: A64.SP_EL0, SP_EL1: A64.SP_EL1, MAIR_EL1: A64.MAIR_EL1,
  NZCV: A64.NZCV,
};
const COUNTERS = new Set(['CNTVCT_EL0', 'CNTPCT_EL0', 'CNTVCTSS_EL0', 'CNTPCTSS_EL0']);
/** PSTATE views that MRS reads out of PSTATE itself: [shift, mask] of the PSTATE bits, kept in place. */
const FROM_PSTATE: Record<string, bigint> = { CURRENTEL: 0xcn, DAIF: 0x3c0n, SPSEL: 0x1n };

export class RegisterFile {
  constructor(readonly vcpu: Vcpu) {}

  private get engine() {
    return this.vcpu.engine;
  }

  /** A register's value, or undefined when there is no such register (or it cannot be read). */
  read(name: string): bigint | undefined {
    const n = name.toLowerCase();
    const gpr = generalId(n);
    if (gpr !== undefined) {
      const v = this.engine.readReg(gpr.id);
      return gpr.w ? BigInt.asUintN(32, v) : v;
    }
    const q = /^[vq](\d+)$/.exec(n);
    if (q && Number(q[1]) < 32) return le(this.engine.readReg128(A64.Q0 + Number(q[1])));
    const d = /^d(\d+)$/.exec(n);
    if (d && Number(d[1]) < 32) return BigInt.asUintN(64, le(this.engine.readReg128(A64.Q0 + Number(d[1]))));
    const spec = sysregByName(name);
    return spec ? this.readSysreg(spec) : undefined;
  }

  readSysreg(spec: SysregSpec): bigint | undefined {
    if (spec.access === 'wo' || spec.group === 'instruction') return undefined;
    const upper = spec.name.toUpperCase();
    const pstateMask = FROM_PSTATE[upper];
    if (pstateMask !== undefined) return this.engine.readReg(A64.PSTATE) & pstateMask;
    if (COUNTERS.has(upper)) return this.vcpu.counter();
    if (this.vcpu.timer.owns(spec.encoding)) return this.vcpu.timer.read(spec.encoding);
    const id = DIRECT[upper];
    try {
      return id !== undefined ? this.engine.readReg(id) : this.engine.readSysReg(spec.encoding);
    } catch {
      return undefined; // unicorn's cortex-a72 does not implement it
    }
  }

  /** Writes a register by name; a ValueError names what cannot be written. */
  write(name: string, value: bigint): void {
    const n = name.toLowerCase();
    const gpr = generalId(n);
    if (gpr !== undefined) {
      const old = this.engine.readReg(gpr.id);
      this.engine.writeReg(gpr.id, gpr.w ? (old & ~0xffff_ffffn) | BigInt.asUintN(32, value) : value);
      return;
    }
    const q = /^[vq](\d+)$/.exec(n);
    if (q && Number(q[1]) < 32) {
      const bytes = new Uint8Array(16);
      let v = BigInt.asUintN(128, value);
      for (let i = 0; i < 16; i++, v >>= 8n) bytes[i] = Number(v & 0xffn);
      this.engine.writeReg128(A64.Q0 + Number(q[1]), bytes);
      return;
    }
    const spec = sysregByName(name);
    if (!spec) throw new ValueError(`no register named '${name}'`);
    if (spec.access !== 'rw') throw new ValueError(`${spec.name} is ${spec.access === 'ro' ? 'read-only' : 'write-only'}`);
    const upper = spec.name.toUpperCase();
    if (FROM_PSTATE[upper] !== undefined) {
      const mask = FROM_PSTATE[upper]!;
      const ps = this.engine.readReg(A64.PSTATE);
      this.engine.writeReg(A64.PSTATE, (ps & ~mask) | (value & mask));
      return;
    }
    if (this.vcpu.timer.owns(spec.encoding)) {
      this.vcpu.timer.write(spec.encoding, value);
      return;
    }
    const id = DIRECT[upper];
    try {
      if (id !== undefined) this.engine.writeReg(id, value);
      else this.engine.writeSysReg(spec.encoding, value);
    } catch (e) {
      throw new ValueError(`${spec.name} cannot be written: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** v0–v31 as 16 little-endian bytes. */
  vector(n: number): Uint8Array {
    return this.engine.readReg128(A64.Q0 + n);
  }
}

/** x0–x30, w0–w30, fp, lr, sp, pc, pstate (cpsr) as unicorn ids. */
function generalId(n: string): { id: number; w: boolean } | undefined {
  const m = /^([xw])(\d+)$/.exec(n);
  if (m && Number(m[2]) <= 30) return { id: xReg(Number(m[2])), w: m[1] === 'w' };
  const named: Record<string, number> = { fp: xReg(29), lr: xReg(30), sp: A64.SP, pc: A64.PC, pstate: A64.PSTATE, cpsr: A64.PSTATE };
  return named[n] === undefined ? undefined : { id: named[n]!, w: false };
}

function le(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}
