// The GICv2m MSI frame of QEMU's virt board: a PCIe device (none exist yet) signals an MSI by
// writing an SPI number to MSI_SETSPI_NS, which pulses that SPI. Linux probes MSI_TYPER at boot
// because the DTB names this frame, so it must answer as QEMU's hw/intc/arm_gicv2m.c does.
import type { AccessSize, MmioDevice } from './mmio';
import { SPI_BASE } from './virt-map';
import { StateReader } from '../hypervisor/snapshot-errors';

/** The MSI frame holds no state: its snapshot is an empty object. */
export type GicV2mState = Record<string, never>;

const MSI_TYPER = 0x008;
const MSI_SETSPI_NS = 0x040;

/** QEMU virt: 64 SPIs starting at SPI 48 (INTID 80). */
export const V2M_FIRST_SPI = 48;
export const V2M_SPI_COUNT = 64;

const NAMES: Record<number, string> = { [MSI_TYPER]: 'MSI_TYPER', [MSI_SETSPI_NS]: 'MSI_SETSPI_NS' };

export class GicV2mFrame implements MmioDevice {
  readonly name = 'gicv2m';

  constructor(private readonly pulseSpi: (intid: number) => void) {}

  read(offset: number, _size: AccessSize): number {
    if (offset === MSI_TYPER) return ((V2M_FIRST_SPI + SPI_BASE) << 16) | V2M_SPI_COUNT;
    return 0;
  }

  write(offset: number, _size: AccessSize, value: number): void {
    if (offset !== MSI_SETSPI_NS) return;
    const intid = value & 0x3ff;
    const first = V2M_FIRST_SPI + SPI_BASE;
    if (intid >= first && intid < first + V2M_SPI_COUNT) this.pulseSpi(intid);
  }

  /** Nothing to save: the frame only forwards writes. */
  saveState(): GicV2mState {
    return {};
  }

  /** Checks that `state` is an object; there is nothing to restore. */
  restoreState(state: GicV2mState): void {
    new StateReader(this.name, state);
  }

  registerName(offset: number): string | undefined {
    return NAMES[offset];
  }
}
