// Guest memory as a stopped vCPU sees it, for the variable views: reads go through the vCPU's own
// stage-1 walk (Vcpu.guestBytes); writes translate each page the same way and then drop translated
// code for the written range on every vCPU of the persona (unicorn does not notice host writes to
// guest RAM, and each vCPU has its own translation cache).

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { translateStage1 } from '../../emulator/arch/aarch64/stage1-walk';
import { A64 } from '../../emulator/engine/unicorn-constants';
import { SYSREG } from '../../emulator/arch/aarch64/sysreg-encodings';

export interface GuestMemory {
  read(address: bigint, size: number): Uint8Array | undefined;
  /** Writes `bytes` at `address`; false when any byte is unmapped (nothing is written then). */
  write(address: bigint, bytes: Uint8Array): boolean;
}

/** Memory of `vcpu`'s address space; `all` are the persona's vCPUs whose translated code a write drops. */
export function vcpuMemory(vcpu: Vcpu, all: readonly Vcpu[]): GuestMemory {
  return {
    read: (address, size) => (size < 0 || size > 1 << 24 ? undefined : vcpu.guestBytes(BigInt.asUintN(64, address), size)),
    write: (address, bytes) => {
      const a = BigInt.asUintN(64, address);
      const targets = physicalPieces(vcpu, a, bytes.length);
      if (targets === undefined) return false;
      let done = 0;
      for (const t of targets) {
        t.set(bytes.subarray(done, done + t.length));
        done += t.length;
      }
      const end = a + BigInt(bytes.length);
      for (const v of all) v.engine.invalidateCode(a, end);
      return true;
    },
  };
}

/** Host views of the physical bytes behind [va, va + length), page by page; undefined if any is unmapped. */
function physicalPieces(vcpu: Vcpu, va: bigint, length: number): Uint8Array[] | undefined {
  const e = vcpu.engine;
  const sctlr = e.readSysReg(SYSREG.SCTLR_EL1);
  const regs = (sctlr & 1n) === 0n
    ? { sctlr, tcr: 0n, ttbr0: 0n, ttbr1: 0n }
    : { sctlr, tcr: e.readSysReg(SYSREG.TCR_EL1), ttbr0: e.readReg(A64.TTBR0_EL1), ttbr1: e.readReg(A64.TTBR1_EL1) };
  const readU64 = (pa: bigint): bigint | undefined => {
    const b = vcpu.physicalBytes(pa, 8);
    return b && new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  };
  const out: Uint8Array[] = [];
  for (let done = 0; done < length;) {
    const a = va + BigInt(done);
    const n = Math.min(length - done, 0x1000 - Number(a & 0xfffn));
    const pa = translateStage1(a, regs, readU64);
    const bytes = pa === undefined ? undefined : vcpu.physicalBytes(pa, n);
    if (bytes === undefined) return undefined;
    out.push(bytes);
    done += n;
  }
  return out;
}
