// Register scopes as variable nodes: general registers (PSTATE decoded into N Z C V, D A I F, EL
// and SP select), FP/SIMD (v0–v31 as hex, double, float and lanes; FPCR, FPSR), and system
// registers in groups. Every field name, bit range and meaning comes from THE register table
// (emulator/arch/aarch64/sysregs/); ESR_EL1 is decoded by its exception class as the trap log does.

import { decodeEsr } from '../../emulator/arch/aarch64/syndrome';
import { sysregByName, type SysregField } from '../../emulator/arch/aarch64/sysregs/table';
import type { FrameValues } from './frame-values';
import type { RegisterFile } from './register-file';
import { ValueError } from './typed-value';
import type { TypedNodes, VariableNode } from './variable-nodes';

/** System-register groups as the scope shows them (names from the table). */
const SYSTEM_GROUPS: Record<string, readonly string[]> = {
  Memory: ['SCTLR_EL1', 'TCR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'MAIR_EL1', 'AMAIR_EL1', 'PAR_EL1', 'CONTEXTIDR_EL1'],
  Exception: ['ESR_EL1', 'FAR_EL1', 'ELR_EL1', 'SPSR_EL1', 'VBAR_EL1', 'SP_EL0', 'ISR_EL1'],
  Timer: ['CNTFRQ_EL0', 'CNTVCT_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0', 'CNTP_CTL_EL0', 'CNTP_CVAL_EL0', 'CNTKCTL_EL1'],
  Thread: ['TPIDR_EL0', 'TPIDRRO_EL0', 'TPIDR_EL1'],
  Control: ['CPACR_EL1', 'MDSCR_EL1', 'ACTLR_EL1'],
  Identification: ['MIDR_EL1', 'MPIDR_EL1', 'REVIDR_EL1', 'ID_AA64PFR0_EL1', 'ID_AA64ISAR0_EL1', 'ID_AA64MMFR0_EL1', 'CTR_EL0'],
};

const hex = (v: bigint, digits = 16): string => `0x${BigInt.asUintN(digits * 4, v).toString(16).padStart(digits, '0')}`;
const fieldOf = (v: bigint, f: SysregField): bigint => (v >> BigInt(f.lo)) & ((1n << BigInt(f.hi - f.lo + 1)) - 1n);
const bitsText = (f: SysregField): string => (f.hi === f.lo ? `${f.hi}` : `${f.hi}:${f.lo}`);

export class RegisterViews {
  constructor(private readonly regs: RegisterFile, private readonly frame: FrameValues, private readonly nodes: TypedNodes) {}

  private get live(): boolean {
    return this.frame.frame.vcpu !== undefined;
  }

  /** x0–x30, sp, pc, pstate: the frame's own (unwound) values in outer frames, where known. */
  general(): VariableNode[] {
    const names = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc'];
    const out: VariableNode[] = [];
    for (const name of names) {
      let value: bigint | undefined;
      try {
        value = this.frame.registerValue(name);
      } catch {
        continue; // not recovered in this outer frame
      }
      if (value !== undefined) out.push(this.register(name, value, undefined));
    }
    if (this.live) {
      // PSTATE has SPSR_EL1's layout; EL and SP select are spelled out from M[3:0] as well.
      const pstate = this.regs.read('pstate')!;
      const n = this.register('pstate', pstate, sysregByName('SPSR_EL1')?.fields);
      const fields = n.children!;
      n.children = () => [
        ...fields(),
        { name: 'EL', value: `EL${(pstate >> 2n) & 3n}`, type: 'exception level (M[3:2])' },
        { name: 'SPSel', value: (pstate & 1n) === 0n ? 'SP_EL0' : `SP_EL${(pstate >> 2n) & 3n}`, type: 'stack pointer in use (M[0])' },
      ];
      out.push(n);
    }
    return out;
  }

  /** One register with its fields as children; writable in the innermost frame. */
  private register(name: string, value: bigint, fields: readonly SysregField[] | undefined, digits = 16, type?: string): VariableNode {
    const n: VariableNode = { name, value: hex(value, digits), type, evaluateName: `$${name}` };
    if (fields && fields.length > 0) n.children = () => this.fields(name, value, fields);
    if (this.live) n.set = (text) => this.assign(name, text, fields, digits, type);
    else n.readOnly = true;
    return n;
  }

  private assign(name: string, text: string, fields: readonly SysregField[] | undefined, digits: number, type: string | undefined): VariableNode {
    const x = this.nodes.evaluate(text);
    if (x.kind !== 'int') throw new ValueError(`a register takes an integer, not ${x.kind === 'string' ? 'a string' : x.kind}`);
    this.regs.write(name, x.value);
    return this.register(name, this.regs.read(name) ?? x.value, fields, digits, type);
  }

  private fields(register: string, value: bigint, fields: readonly SysregField[]): VariableNode[] {
    return [...fields].sort((a, b) => b.hi - a.hi).map((f) => {
      const v = fieldOf(value, f);
      const n: VariableNode = { name: f.name.includes('[') ? f.name : `${f.name} [${bitsText(f)}]`, value: f.hi === f.lo ? `${v}` : `${v} (0x${v.toString(16)})`, type: f.meaning };
      if (this.live) {
        n.set = (text) => {
          const x = this.nodes.evaluate(text);
          if (x.kind !== 'int') throw new ValueError('a register field takes an integer');
          const mask = ((1n << BigInt(f.hi - f.lo + 1)) - 1n) << BigInt(f.lo);
          const now = this.regs.read(register) ?? 0n;
          this.regs.write(register, (now & ~mask) | ((x.value << BigInt(f.lo)) & mask));
          const after = fieldOf(this.regs.read(register) ?? 0n, f);
          return { ...n, value: f.hi === f.lo ? `${after}` : `${after} (0x${after.toString(16)})` };
        };
      }
      return n;
    });
  }

  /** v0–v31 with their views, then FPCR and FPSR decoded (innermost frame: outer frames show the same live values). */
  simd(): VariableNode[] {
    const out: VariableNode[] = [];
    for (let i = 0; i < 32; i++) {
      const bytes = this.regs.vector(i);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, 16);
      const value = (dv.getBigUint64(8, true) << 64n) | dv.getBigUint64(0, true);
      const n = this.register(`v${i}`, value, undefined, 32, 'uint128');
      n.children = () => [
        { name: `d${i}`, value: String(dv.getFloat64(0, true)), type: 'double' },
        { name: `s${i}`, value: String(dv.getFloat32(0, true)), type: 'float' },
        { name: 'u64', value: `[${hex(dv.getBigUint64(0, true))}, ${hex(dv.getBigUint64(8, true))}]`, type: 'uint64_t[2]' },
        { name: 'u32', value: `[${[0, 4, 8, 12].map((o) => `0x${dv.getUint32(o, true).toString(16)}`).join(', ')}]`, type: 'uint32_t[4]' },
        { name: 'u8', value: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' '), type: 'uint8_t[16]' },
      ];
      out.push(n);
    }
    for (const name of ['FPCR', 'FPSR']) {
      const spec = sysregByName(name)!;
      out.push(this.register(name, this.regs.readSysreg(spec) ?? 0n, spec.fields, 8, spec.summary));
    }
    return out;
  }

  /** Groups of system registers; each register's fields decoded from the table. */
  system(): VariableNode[] {
    return Object.entries(SYSTEM_GROUPS).map(([group, names]) => ({
      name: group,
      value: names.join(', '),
      children: () => names.flatMap((name) => {
        const spec = sysregByName(name);
        const value = spec && this.regs.readSysreg(spec);
        if (!spec || value === undefined) return [];
        const n = this.register(spec.name, value, spec.fields, 16, spec.summary);
        n.evaluateName = `$${spec.name.toLowerCase()}`;
        if (spec.name === 'ESR_EL1') return [this.esr(n, value)];
        return [n];
      }),
    }));
  }

  /** ESR_EL1 with its class named and the ISS fields of that class (syndrome.ts's table). */
  private esr(n: VariableNode, value: bigint): VariableNode {
    const d = decodeEsr(value);
    const tableFields = n.children;
    return {
      ...n,
      value: `${hex(value)} (EC 0x${d.ec.toString(16)}: ${d.ecName})`,
      children: () => [
        ...(tableFields ? tableFields() : []),
        ...d.fields.map((f) => ({ name: `ISS.${f.name}`, value: `${f.value} (0x${f.value.toString(16)})${f.meaning ? ` ${f.meaning}` : ''}`, type: d.ecName })),
      ],
    };
  }
}
