// The register view of a stopped vCPU: x0–x30, sp, pc and pstate, read with one FFI call.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { A64, xReg } from '../../emulator/engine/unicorn-constants';
import { RegisterBatch } from '../../emulator/engine/unicorn';

export interface RegisterValue {
  name: string;
  value: bigint;
}

const NAMES = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp', 'pc', 'pstate'];
const IDS = [...Array.from({ length: 31 }, (_, i) => xReg(i)), A64.SP, A64.PC, A64.PSTATE];
const batches = new WeakMap<Vcpu, RegisterBatch>();

/** Every general-purpose register of `vcpu` now, in display order. */
export function readRegisters(vcpu: Vcpu): RegisterValue[] {
  let batch = batches.get(vcpu);
  if (!batch) batches.set(vcpu, batch = new RegisterBatch(IDS));
  const values = vcpu.engine.readRegs(batch);
  return NAMES.map((name, i) => ({ name, value: values[i]! }));
}

/** The same list as a lookup for the unwinder. */
export function liveRegisters(vcpu: Vcpu): { pc: bigint; sp: bigint; x: bigint[] } {
  const r = readRegisters(vcpu);
  return { pc: r[32]!.value, sp: r[31]!.value, x: r.slice(0, 31).map((v) => v.value) };
}

export function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;
}
