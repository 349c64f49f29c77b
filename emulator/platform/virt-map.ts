// The QEMU `virt` board's guest-physical memory map (hw/arm/virt.c base_memmap[]): the one place
// that owns these addresses and interrupt numbers.

export const VIRT = {
  flash: { base: 0x0000_0000n, size: 0x0800_0000n },
  gicDist: { base: 0x0800_0000n, size: 0x1_0000n },
  gicCpu: { base: 0x0801_0000n, size: 0x1_0000n },
  gicV2m: { base: 0x0802_0000n, size: 0x1000n },
  uart: { base: 0x0900_0000n, size: 0x1000n },
  rtc: { base: 0x0901_0000n, size: 0x1000n },
  fwCfg: { base: 0x0902_0000n, size: 0x18n },
  gpio: { base: 0x0903_0000n, size: 0x1000n },
  virtioMmio: { base: 0x0a00_0000n, size: 0x200n, count: 32 },
  pcieEcam: { base: 0x3f00_0000n, size: 0x0100_0000n },
  ram: { base: 0x4000_0000n },
} as const;

/** The flash window holds two pflash banks (pflash0: firmware, pflash1: variables), erased in 256 KiB sectors. */
export const FLASH_BANK_BYTES = VIRT.flash.size / 2n;
export const FLASH_SECTOR_BYTES = 256 * 1024;

/** INTID = SPI number + 32. */
export const SPI_BASE = 32;

export const IRQ = {
  uart: SPI_BASE + 1,
  rtc: SPI_BASE + 2,
  virtioMmioFirst: SPI_BASE + 16,
  /** Generic timer PPIs (INTIDs). */
  timerHyp: 26,
  timerVirt: 27,
  timerSecurePhys: 29,
  timerPhys: 30,
} as const;

/** CNTFRQ_EL0 as QEMU sets it. */
export const COUNTER_HZ = 62_500_000n;

/** PL011 reference clock on virt ("apb_pclk" in the DTB). */
export const UART_CLOCK_HZ = 24_000_000;

/** Default RAM size (as QEMU's default for virt: 128 MiB). */
export const DEFAULT_RAM_BYTES = 128n * 1024n * 1024n;
