// The devices of one persona's `virt` board and the windows they occupy: the single place that puts
// each device at its address (from virt-map.ts) and wires its interrupt line into the GIC.
import { FwCfg, type FwCfgConfig, type GuestDma } from './fw-cfg';
import { GicV2 } from './gicv2';
import { GicV2mFrame } from './gicv2m';
import type { AccessSize, MmioDevice } from './mmio';
import { PcieEcamEmpty } from './pcie-ecam-empty';
import { PflashCfi01, VIRT_PFLASH } from './pflash-cfi01';
import { Pl011Uart } from './pl011';
import { Pl031Rtc } from './pl031';
import { VirtioMmioEmpty } from './virtio-mmio-empty';
import { FLASH_BANK_BYTES, IRQ, VIRT } from './virt-map';

export interface DeviceWindow {
  name: string;
  base: bigint;
  size: bigint;
  device: MmioDevice;
  /** Offsets repeat every `stride` bytes (the 32 virtio-mmio slots share one empty device). */
  stride?: number;
  /**
   * A ROM device (a flash bank): memory, not an MMIO window. The hypervisor maps it read-only while
   * the device is in read-array mode and not at all in command mode, and hands it the accesses
   * that fault (`romDevice`).
   */
  rom?: PflashCfi01;
}

export interface VirtDevices {
  gic: GicV2;
  uart: Pl011Uart;
  rtc: Pl031Rtc;
  fwCfg: FwCfg;
  flash: PflashCfi01[];
  windows: DeviceWindow[];
}

export interface VirtDeviceOptions {
  cpus: number;
  currentCpu: () => number;
  onCpuIrqChange: (cpu: number, pending: boolean) => void;
  onConsole: (bytes: Uint8Array) => void;
  /** Wall-clock seconds for the RTC. */
  nowSeconds?: () => number;
  /** What fw_cfg offers and its DMA path into guest RAM (absent: an empty board's, no DMA). */
  fwCfg?: { config: FwCfgConfig; dma: GuestDma };
  /**
   * The flash window's memory (VIRT.flash.size bytes, two banks) and what the hypervisor does when a
   * bank changes mode or contents (absent: empty banks that never change).
   */
  flash?: {
    memory: Uint8Array;
    onModeChange: (bank: number, readArray: boolean) => void;
    onContentsChange: (address: bigint, length: number) => void;
  };
}

const NO_DMA: GuestDma = { read: () => undefined, write: () => false };

export function createVirtDevices(o: VirtDeviceOptions): VirtDevices {
  const gic = new GicV2(o.cpus, o.currentCpu, o.onCpuIrqChange);
  const uart = new Pl011Uart({ onTransmit: o.onConsole, irq: (level) => gic.setLevel(IRQ.uart, level) });
  const rtc = new Pl031Rtc({ irq: (level) => gic.setLevel(IRQ.rtc, level), nowSeconds: o.nowSeconds ?? (() => Date.now() / 1000) });
  const virtio = new VirtioMmioEmpty();
  const flashMemory = o.flash?.memory ?? new Uint8Array(0);
  const flash = [0, 1].map((bank) => {
    const base = VIRT.flash.base + BigInt(bank) * FLASH_BANK_BYTES;
    const storage = flashMemory.subarray(bank * Number(FLASH_BANK_BYTES), (bank + 1) * Number(FLASH_BANK_BYTES));
    return new PflashCfi01(`pflash${bank}`, storage, VIRT_PFLASH,
      (readArray) => o.flash?.onModeChange(bank, readArray),
      (offset, length) => o.flash?.onContentsChange(base + BigInt(offset), length));
  });
  const fwCfg = new FwCfg(o.fwCfg?.config ?? { ramBytes: 0n, cpus: o.cpus }, o.fwCfg?.dma ?? NO_DMA);
  const windows: DeviceWindow[] = [
    { name: 'gicd', base: VIRT.gicDist.base, size: VIRT.gicDist.size, device: gic.distributor },
    { name: 'gicc', base: VIRT.gicCpu.base, size: VIRT.gicCpu.size, device: gic.cpuInterface },
    {
      name: 'gicv2m', base: VIRT.gicV2m.base, size: VIRT.gicV2m.size,
      device: new GicV2mFrame((intid) => { gic.setLevel(intid, true); gic.setLevel(intid, false); }),
    },
    { name: 'pl011', base: VIRT.uart.base, size: VIRT.uart.size, device: uart },
    { name: 'pl031', base: VIRT.rtc.base, size: VIRT.rtc.size, device: rtc },
    { name: 'fw-cfg', base: VIRT.fwCfg.base, size: VIRT.fwCfg.size, device: fwCfg },
    {
      name: 'virtio-mmio', base: VIRT.virtioMmio.base, size: VIRT.virtioMmio.size * BigInt(VIRT.virtioMmio.count),
      device: virtio, stride: Number(VIRT.virtioMmio.size),
    },
    { name: 'pcie-ecam', base: VIRT.pcieEcam.base, size: VIRT.pcieEcam.size, device: new PcieEcamEmpty() },
    ...flash.map((f, bank) => ({ name: f.name, base: VIRT.flash.base + BigInt(bank) * FLASH_BANK_BYTES, size: FLASH_BANK_BYTES, device: f, rom: f })),
  ];
  return { gic, uart, rtc, fwCfg, flash, windows };
}

/** Splits a 64-bit access to a 32-bit device into two 32-bit accesses (little-endian). */
export function readWide(device: MmioDevice, offset: number, size: number): number | bigint {
  if (size !== 8) return device.read(offset, size as AccessSize);
  const lo = device.read(offset, 4) >>> 0;
  const hi = device.read(offset + 4, 4) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function writeWide(device: MmioDevice, offset: number, size: number, value: number | bigint): void {
  if (size !== 8) {
    device.write(offset, size as AccessSize, Number(value));
    return;
  }
  const v = BigInt.asUintN(64, BigInt(value));
  device.write(offset, 4, Number(v & 0xffff_ffffn));
  device.write(offset + 4, 4, Number(v >> 32n));
}
