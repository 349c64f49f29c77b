// QEMU's firmware configuration device as the virt board has it (hw/nvram/fw_cfg.c, the MMIO
// flavour at 0x0902_0000, DTB compatible "qemu,fw-cfg-mmio"): firmware such as U-Boot (`qfw`) and
// EDK2 reads items from it by key: the "QEMU" signature, the feature bits, the CPU count, a file
// directory, and — when a kernel is passed to firmware — the kernel, initrd and command line.
//
// Registers (window-relative; QEMU's docs/specs/fw_cfg.rst):
//   0x00..0x07 data      reads return the selected item's next bytes in memory order, any width
//   0x08       selector  16-bit, big-endian: selects an item and rewinds it
//   0x10..0x17 DMA       64-bit big-endian guest-physical address of a FWCfgDmaAccess; writing it
//                        (or its low half) runs the transfer. Reads give the "QEMU CFG" signature.
// Items Persona does not have (ACPI and SMBIOS tables, bootorder...) are absent, not faked: reading
// an absent item gives nothing (zeros), as on QEMU.
import type { AccessSize, MmioDevice } from './mmio';
import { StateReader } from '../hypervisor/snapshot-errors';

/** Item keys (QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
export const FW_CFG = {
  SIGNATURE: 0x00,
  ID: 0x01,
  UUID: 0x02,
  RAM_SIZE: 0x03,
  NOGRAPHIC: 0x04,
  NB_CPUS: 0x05,
  MAX_CPUS: 0x0f,
  KERNEL_SIZE: 0x08,
  INITRD_SIZE: 0x0b,
  KERNEL_DATA: 0x11,
  INITRD_DATA: 0x12,
  CMDLINE_SIZE: 0x14,
  CMDLINE_DATA: 0x15,
  SETUP_SIZE: 0x17,
  SETUP_DATA: 0x18,
  FILE_DIR: 0x19,
  FILE_FIRST: 0x20,
  INVALID: 0xffff,
} as const;

/** FW_CFG_ID bits: the traditional interface and DMA. */
const ID_TRADITIONAL = 1;
const ID_DMA = 2;
const ENTRY_MASK = 0x3fff;
/** FWCfgDmaAccess.control bits. */
const DMA = { ERROR: 1, READ: 2, SKIP: 4, SELECT: 8, WRITE: 0x10 } as const;
/** Read from the DMA register: "QEMU CFG" in memory order. */
const DMA_SIGNATURE = new TextEncoder().encode('QEMU CFG');
const FILE_NAME_BYTES = 56;

const DATA_END = 0x08;
const SELECTOR = 0x08;
const DMA_HIGH = 0x10;
const DMA_LOW = 0x14;

/** Guest-physical memory for the DMA interface (RAM only). */
export interface GuestDma {
  read(pa: bigint, length: number): Uint8Array | undefined;
  /** Returns false when [pa, pa+length) is not RAM. */
  write(pa: bigint, bytes: Uint8Array): boolean;
}

export interface FwCfgConfig {
  ramBytes: bigint;
  cpus: number;
  /** Named files in the file directory (keys from FILE_FIRST, in this order). */
  files?: { name: string; data: Uint8Array }[];
  /** A kernel for the firmware to load (QEMU: -bios with -kernel). */
  kernel?: { image: Uint8Array; initrd?: Uint8Array; cmdline?: string };
}

/** Where the guest left off: the selected key, the read offset, the DMA address's high half. */
export interface FwCfgState {
  key: number;
  offset: number;
  dmaHigh: number;
}

const le = (bytes: number, v: bigint): Uint8Array => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
};
const be32 = (v: number): Uint8Array => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
const bswap32 = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
const bswap16 = (v: number): number => ((v & 0xff) << 8) | ((v >>> 8) & 0xff);

export class FwCfg implements MmioDevice {
  readonly name = 'fw-cfg';
  private readonly items = new Map<number, Uint8Array>();
  private key: number = FW_CFG.INVALID;
  private offset = 0;
  private dmaHigh = 0;

  constructor(cfg: FwCfgConfig, private readonly dma: GuestDma) {
    const add = (key: number, data: Uint8Array) => this.items.set(key, data);
    add(FW_CFG.SIGNATURE, new TextEncoder().encode('QEMU'));
    add(FW_CFG.ID, le(4, BigInt(ID_TRADITIONAL | ID_DMA)));
    add(FW_CFG.UUID, new Uint8Array(16));
    add(FW_CFG.RAM_SIZE, le(8, cfg.ramBytes));
    add(FW_CFG.NOGRAPHIC, le(2, 1n));
    add(FW_CFG.NB_CPUS, le(2, BigInt(cfg.cpus)));
    add(FW_CFG.MAX_CPUS, le(2, BigInt(cfg.cpus)));
    const k = cfg.kernel;
    if (k) {
      const cmdline = k.cmdline === undefined ? undefined : new TextEncoder().encode(`${k.cmdline}\0`);
      add(FW_CFG.KERNEL_SIZE, le(4, BigInt(k.image.length)));
      add(FW_CFG.KERNEL_DATA, k.image);
      add(FW_CFG.INITRD_SIZE, le(4, BigInt(k.initrd?.length ?? 0)));
      if (k.initrd) add(FW_CFG.INITRD_DATA, k.initrd);
      add(FW_CFG.CMDLINE_SIZE, le(4, BigInt(cmdline?.length ?? 0)));
      if (cmdline) add(FW_CFG.CMDLINE_DATA, cmdline);
      add(FW_CFG.SETUP_SIZE, le(4, 0n));
    }
    // The directory: a big-endian count, then per file size (BE32), select (BE16), reserved, name[56].
    const files = cfg.files ?? [];
    const dir = new Uint8Array(4 + files.length * 64);
    dir.set(be32(files.length), 0);
    files.forEach((f, i) => {
      const at = 4 + i * 64;
      const select = FW_CFG.FILE_FIRST + i;
      dir.set(be32(f.data.length), at);
      dir[at + 4] = select >> 8; dir[at + 5] = select & 0xff;
      dir.set(new TextEncoder().encode(f.name).subarray(0, FILE_NAME_BYTES - 1), at + 8);
      add(select, f.data);
    });
    add(FW_CFG.FILE_DIR, dir);
  }

  /** The item's bytes (undefined when absent): for tests and the trap view. */
  item(key: number): Uint8Array | undefined {
    return this.items.get(key);
  }

  private select(key: number): void {
    const k = key & ENTRY_MASK;
    this.key = this.items.has(k) ? k : FW_CFG.INVALID;
    this.offset = 0;
  }

  /** The selected item's next `n` bytes; past its end (or with nothing selected) zeros. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    const data = this.items.get(this.key);
    if (data && this.offset < data.length) {
      const got = data.subarray(this.offset, this.offset + n);
      out.set(got);
      this.offset += got.length;
    }
    return out;
  }

  read(offset: number, size: AccessSize): number {
    if (offset < DATA_END) {
      const b = this.take(size);
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + b[i]!;
      return v;
    }
    if (offset >= DMA_HIGH && offset + size <= DMA_HIGH + 8) {
      let v = 0;
      for (let i = size - 1; i >= 0; i--) v = v * 256 + DMA_SIGNATURE[offset - DMA_HIGH + i]!;
      return v;
    }
    return 0; // the selector reads as 0 on QEMU's MMIO fw_cfg
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset === SELECTOR && size === 2) this.select(bswap16(value));
    else if (offset === DMA_HIGH && size === 4) this.dmaHigh = bswap32(value);
    else if (offset === DMA_LOW && size === 4) {
      const address = (BigInt(this.dmaHigh) << 32n) | BigInt(bswap32(value));
      this.dmaHigh = 0;
      this.transfer(address);
    }
    // Data writes are ignored (QEMU 2.4+), as are writes of other widths.
  }

  /** Runs one FWCfgDmaAccess at `at` and writes back its control word (0, or ERROR). */
  private transfer(at: bigint): void {
    const req = this.dma.read(at, 16);
    if (!req) return; // not RAM: QEMU's DMA read fails the same way, silently
    const view = new DataView(req.buffer, req.byteOffset, 16);
    let control = view.getUint32(0);
    let length = view.getUint32(4);
    let address = view.getBigUint64(8);
    if (control & DMA.SELECT) this.select(control >>> 16);
    while (length > 0 && !(control & DMA.ERROR)) {
      const data = this.items.get(this.key);
      const left = data && this.offset < data.length ? data.length - this.offset : 0;
      const n = left > 0 ? Math.min(length, left) : length;
      if (control & DMA.READ) {
        const bytes = left > 0 ? data!.subarray(this.offset, this.offset + n) : new Uint8Array(n);
        if (!this.dma.write(address, bytes)) control |= DMA.ERROR;
      } else if (control & DMA.WRITE) {
        control |= DMA.ERROR; // every item is read-only here
      }
      if (left > 0) this.offset += n;
      address += BigInt(n);
      length -= n;
    }
    this.dma.write(at, be32(control & DMA.ERROR));
  }

  saveState(): FwCfgState {
    return { key: this.key, offset: this.offset, dmaHigh: this.dmaHigh };
  }

  restoreState(state: FwCfgState): void {
    const r = new StateReader(this.name, state);
    const key = r.uint('key', 0xffff);
    if (key !== FW_CFG.INVALID && !this.items.has(key)) r.fail('key', `0x${key.toString(16)} is not an item of this board`);
    this.key = key;
    this.offset = r.uint('offset', 0xffff_ffff);
    this.dmaHigh = r.uint('dmaHigh', 0xffff_ffff);
  }

  registerName(offset: number): string | undefined {
    if (offset < DATA_END) return 'FW_CFG_DATA';
    if (offset === SELECTOR) return 'FW_CFG_SELECTOR';
    if (offset >= DMA_HIGH && offset < DMA_HIGH + 8) return 'FW_CFG_DMA';
    return undefined;
  }
}
