// The PCIe ECAM window of QEMU's `virt` board (VIRT.pcieEcam) with nothing plugged in but the
// host bridge QEMU always creates at 00:00.0 (gpex-root: vendor 0x1b36 Red Hat, device 0x0008
// "QEMU PCIe Host bridge", class 0x060000, subsystem 0x1af4:0x1100 as QEMU gives every type-0
// function). Its header is read-only except Command (I/O, memory, bus master, SERR, INTx
// disable), Cache Line Size and Interrupt Line. The bridge is a conventional function: offsets
// 0x100..0xFFF read all-ones, as QEMU. Every other function reads all-ones and ignores writes.
//
// ECAM offset = bus << 20 | device << 15 | function << 12 | register. Reads are at most 32 bits
// wide; an 8-byte access is treated as 4 bytes.

import type { AccessSize, MmioDevice } from "./mmio";
import { StateReader } from "../hypervisor/snapshot-errors";

export const HOST_BRIDGE_VENDOR_ID = 0x1b36;
export const HOST_BRIDGE_DEVICE_ID = 0x0008;
export const HOST_BRIDGE_CLASS = 0x06_00_00;

// Configuration header offsets.
const VENDOR_ID = 0x00;
const DEVICE_ID = 0x02;
const COMMAND = 0x04;
const CLASS_REVISION = 0x08;
const CACHE_LINE_SIZE = 0x0c;
const SUBSYSTEM_VENDOR_ID = 0x2c;
const SUBSYSTEM_ID = 0x2e;
const INTERRUPT_LINE = 0x3c;
const CONVENTIONAL_CONFIG_BYTES = 0x100;
const FUNCTION_BYTES = 0x1000;

const COMMAND_WRITABLE = 0x0001 | 0x0002 | 0x0004 | 0x0100 | 0x0400;
const SUBVENDOR_REDHAT_QUMRANET = 0x1af4;
const SUBDEVICE_QEMU = 0x1100;

const NAMES: Readonly<Record<number, string>> = {
  0x00: "VendorID", 0x02: "DeviceID", 0x04: "Command", 0x06: "Status", 0x08: "RevisionID",
  0x09: "ClassCode", 0x0c: "CacheLineSize", 0x0d: "LatencyTimer", 0x0e: "HeaderType", 0x0f: "BIST",
  0x10: "BAR0", 0x14: "BAR1", 0x18: "BAR2", 0x1c: "BAR3", 0x20: "BAR4", 0x24: "BAR5",
  0x2c: "SubsystemVendorID", 0x2e: "SubsystemID", 0x30: "ExpansionROM", 0x34: "CapPtr",
  0x3c: "InterruptLine", 0x3d: "InterruptPin",
};

/** The host bridge's writable configuration bits, as JSON-safe data (see PcieEcamEmpty.saveState). */
export interface PcieEcamEmptyState {
  /** Command register (only I/O, memory, bus master, SERR and INTx-disable bits are writable). */
  command: number;
  cacheLineSize: number;
  interruptLine: number;
}

export class PcieEcamEmpty implements MmioDevice {
  readonly name = "pcie-ecam";
  /** The host bridge's 256-byte configuration header. */
  private readonly config = new Uint8Array(CONVENTIONAL_CONFIG_BYTES);
  private readonly view = new DataView(this.config.buffer);

  constructor() {
    this.view.setUint16(VENDOR_ID, HOST_BRIDGE_VENDOR_ID, true);
    this.view.setUint16(DEVICE_ID, HOST_BRIDGE_DEVICE_ID, true);
    this.view.setUint32(CLASS_REVISION, HOST_BRIDGE_CLASS << 8, true); // revision 0
    this.view.setUint16(SUBSYSTEM_VENDOR_ID, SUBVENDOR_REDHAT_QUMRANET, true);
    this.view.setUint16(SUBSYSTEM_ID, SUBDEVICE_QEMU, true);
  }

  read(offset: number, size: AccessSize): number {
    const n = size > 4 ? 4 : size;
    if (offset >= FUNCTION_BYTES || (offset & 0xfff) + n > CONVENTIONAL_CONFIG_BYTES) return allOnes(n);
    let v = 0;
    for (let i = 0; i < n; i++) v |= this.config[offset + i]! << (8 * i);
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset >= FUNCTION_BYTES) return; // absent function
    const n = size > 4 ? 4 : size;
    for (let i = 0; i < n; i++) {
      const reg = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      if (reg === CACHE_LINE_SIZE || reg === INTERRUPT_LINE) this.config[reg] = byte;
      else if (reg === COMMAND || reg === COMMAND + 1) {
        const mask = (COMMAND_WRITABLE >>> (8 * (reg - COMMAND))) & 0xff;
        this.config[reg] = byte & mask;
      }
    }
  }

  /** The host bridge's writable header fields for a snapshot; the rest is constant. */
  saveState(): PcieEcamEmptyState {
    return {
      command: this.view.getUint16(COMMAND, true),
      cacheLineSize: this.config[CACHE_LINE_SIZE]!,
      interruptLine: this.config[INTERRUPT_LINE]!,
    };
  }

  /** Replace the writable fields with saved ones; a bad state throws a SnapshotStateError. */
  restoreState(state: PcieEcamEmptyState): void {
    const r = new StateReader(this.name, state);
    const command = r.uint("command", 0xffff);
    if (command & ~COMMAND_WRITABLE) r.fail("command", `has bits outside the writable mask 0x${COMMAND_WRITABLE.toString(16)}: 0x${command.toString(16)}`);
    const cacheLineSize = r.uint("cacheLineSize", 0xff);
    const interruptLine = r.uint("interruptLine", 0xff);
    this.view.setUint16(COMMAND, command, true);
    this.config[CACHE_LINE_SIZE] = cacheLineSize;
    this.config[INTERRUPT_LINE] = interruptLine;
  }

  registerName(offset: number): string | undefined {
    const bdf = `${offset >>> 20}:${(offset >>> 15) & 0x1f}.${(offset >>> 12) & 7}`;
    const reg = offset & 0xfff;
    return `${bdf} ${NAMES[reg] ?? `+0x${reg.toString(16)}`}`;
  }
}

function allOnes(bytes: number): number {
  return bytes >= 4 ? 0xffff_ffff : (1 << (bytes * 8)) - 1;
}
