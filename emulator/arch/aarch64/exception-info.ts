// What unicorn tells the hypervisor about an exception: the INTR hook's number plus the syndrome,
// fault address and target EL that QEMU left in CPUARMState. unicorn exposes the latter only inside
// the uc_context blob, at an offset specific to the build: calibrated once per process by running
// `svc #0x1234` and searching the blob for its syndrome.
import { UnicornEngine } from '../../engine/unicorn';
import { A64, UC_ARCH_ARM64, UC_CPU_ARM64_A72, UC_PROT_ALL } from '../../engine/unicorn-constants';

/** QEMU's exception numbers as delivered to UC_HOOK_INTR (target/arm/cpu.h EXCP_*). */
export const EXCP = {
  UDEF: 1,
  SWI: 2,
  PREFETCH_ABORT: 3,
  DATA_ABORT: 4,
  IRQ: 5,
  FIQ: 6,
  BKPT: 7,
  HVC: 11,
  HYP_TRAP: 12,
  SMC: 13,
  VIRQ: 14,
  VFIQ: 15,
  SEMIHOST: 16,
} as const;

export interface ExceptionInfo {
  syndrome: number;
  /** The faulting virtual address for aborts. */
  vaddress: bigint;
  /** The EL QEMU would have taken the exception to: 1 = the guest's kernel, 2 = this hypervisor. */
  targetEl: number;
}

interface Offsets { syndrome: number; vaddress: number; targetEl: number }
let offsets: Offsets | undefined;

const SVC_1234 = 0xd4024681; // svc #0x1234
const SVC_1234_SYNDROME = 0x56001234; // EC 0x15, IL, imm16

function calibrate(): Offsets {
  const e = new UnicornEngine(UC_ARCH_ARM64, 0);
  try {
    e.setCpuModel(UC_CPU_ARM64_A72);
    e.setTcgBufferSize(1 << 20);
    const page = Buffer.alloc(0x1000);
    page.writeUInt32LE(SVC_1234, 0);
    e.mapRam(0x1000n, page, UC_PROT_ALL);
    let found: Offsets | undefined;
    e.onInterrupt(() => {
      const blob = e.saveContext();
      const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
      for (let off = 0; off + 20 <= blob.byteLength; off += 4) {
        if (view.getUint32(off, true) === SVC_1234_SYNDROME) {
          found = { syndrome: off, vaddress: off + 8, targetEl: off + 16 };
          break;
        }
      }
      e.stop();
    });
    e.writeReg(A64.PSTATE, 0x3c5n);
    e.start(0x1000n, 0x1ffcn);
    if (!found) throw new Error('cannot locate the exception syndrome in unicorn\'s CPU context (unsupported unicorn build)');
    return found;
  } finally {
    e.close();
  }
}

export class ExceptionInfoReader {
  private readonly at: Offsets;

  constructor(private readonly engine: UnicornEngine) {
    offsets ??= calibrate();
    this.at = offsets;
  }

  read(): ExceptionInfo {
    const blob = this.engine.saveContext();
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    return {
      syndrome: view.getUint32(this.at.syndrome, true),
      vaddress: view.getBigUint64(this.at.vaddress, true),
      targetEl: view.getUint32(this.at.targetEl, true),
    };
  }
}
