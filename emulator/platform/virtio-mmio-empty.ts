// An empty virtio-mmio transport slot as QEMU's `virt` board presents it (hw/virtio/virtio-mmio.c
// with no backend plugged in): MagicValue "virt", Version 1 (QEMU's `force-legacy` property
// defaults to true, so virt's transports are legacy), DeviceID 0 (no device: no driver claims it),
// VendorID "QEMU"; every other register reads as zero and writes are ignored.
//
// The device holds no state, so one instance can serve all VIRT.virtioMmio.count slots: the
// emulator maps each 0x200-byte window to the same object and offsets are window-relative.
// As in QEMU, a value is only returned at the register's own offset; narrower reads take the low
// bytes of it (a byte read of offset 0 gives 0x76) and reads inside a register give 0.

import type { AccessSize, MmioDevice } from "./mmio";
import { StateReader } from "../hypervisor/snapshot-errors";

/** An empty slot holds no state: its snapshot is an empty object. */
export type VirtioMmioEmptyState = Record<string, never>;

const MAGIC_VALUE = 0x000;
const VERSION = 0x004;
const DEVICE_ID = 0x008;
const VENDOR_ID = 0x00c;

export const VIRTIO_MMIO_MAGIC = 0x7472_6976; // "virt"
export const VIRTIO_MMIO_LEGACY_VERSION = 1;
export const VIRTIO_MMIO_VENDOR_QEMU = 0x554d_4551; // "QEMU"

const NAMES: Readonly<Record<number, string>> = {
  0x000: "MagicValue", 0x004: "Version", 0x008: "DeviceID", 0x00c: "VendorID",
  0x010: "DeviceFeatures", 0x014: "DeviceFeaturesSel", 0x020: "DriverFeatures", 0x024: "DriverFeaturesSel",
  0x028: "GuestPageSize", 0x030: "QueueSel", 0x034: "QueueNumMax", 0x038: "QueueNum",
  0x03c: "QueueAlign", 0x040: "QueuePFN", 0x050: "QueueNotify", 0x060: "InterruptStatus",
  0x064: "InterruptACK", 0x070: "Status",
};

export class VirtioMmioEmpty implements MmioDevice {
  readonly name = "virtio-mmio";

  read(offset: number, size: AccessSize): number {
    let value: number;
    switch (offset) {
      case MAGIC_VALUE: value = VIRTIO_MMIO_MAGIC; break;
      case VERSION: value = VIRTIO_MMIO_LEGACY_VERSION; break;
      case DEVICE_ID: value = 0; break;
      case VENDOR_ID: value = VIRTIO_MMIO_VENDOR_QEMU; break;
      default: return 0;
    }
    return size >= 4 ? value : value & ((1 << (size * 8)) - 1);
  }

  write(_offset: number, _size: AccessSize, _value: number): void {
    // No backend: writes are ignored.
  }

  /** Nothing to save: every register is constant. */
  saveState(): VirtioMmioEmptyState {
    return {};
  }

  /** Checks that `state` is an object; there is nothing to restore. */
  restoreState(state: VirtioMmioEmptyState): void {
    new StateReader(this.name, state);
  }

  registerName(offset: number): string | undefined {
    return offset >= 0x100 ? "Config" : NAMES[offset];
  }
}
