// One CFI parallel-flash bank with the Intel/Sharp command set, as QEMU's pflash_cfi01 presents it
// on the virt board (hw/arm/virt.c virt_flash_create1: 64 MiB, 256 KiB sectors, width 4 made of two
// x16 devices, manufacturer 0x89, device 0x18). Firmware probes it with the CFI query, reads its
// contents as memory, and erases and programs sectors (U-Boot keeps its environment there).
//
// Like QEMU's "ROM device", the bank has two modes:
//  - read-array: reads are plain memory reads of `storage` (the hypervisor maps the bank read-only
//    in stage 2, so code runs from it at full speed); any write is a command and reaches write();
//  - I/O: after a command, every access reaches read()/write() (the bank is unmapped in stage 2
//    and each access traps), until the command sequence returns the bank to read-array.
// `onModeChange` tells the hypervisor when to switch; `onContentsChange` which bytes changed (the
// translated code of that range must go).
import type { AccessSize, MmioDevice } from './mmio';
import { StateReader, toBase64 } from '../hypervisor/snapshot-errors';

export interface PflashGeometry {
  /** Bus width of the bank in bytes (QEMU "width"). */
  bankWidth: 1 | 2 | 4;
  /** Width of each chip in bytes (QEMU "device-width"); bankWidth / deviceWidth chips side by side. */
  deviceWidth: 1 | 2 | 4;
  sectorBytes: number;
  /** Manufacturer and device ids (QEMU id0, id1). */
  ids: [number, number];
}

/** virt's banks: width 4, two x16 chips, 256 KiB sectors, Intel 0x89 / 0x18. */
export const VIRT_PFLASH: PflashGeometry = { bankWidth: 4, deviceWidth: 2, sectorBytes: 256 * 1024, ids: [0x89, 0x18] };

/** A bank's command state for snapshots (its contents are saved with the flash memory). */
export interface PflashState {
  readArray: boolean;
  wcycle: number;
  cmd: number;
  status: number;
  counter: number;
  /** Buffered write in progress: its block offset, or -1. */
  blockOffset: number;
  /** The write buffer, base64 (only while a buffered write is in progress). */
  block: string;
}

const STATUS_READY = 0x80;
const STATUS_ERASE_ERROR = 0x20;
const STATUS_PROGRAM_ERROR = 0x10;
/** QEMU's internal name for read-array (0x00 is no CFI command). */
const READ_ARRAY = 0x00;

/** The commands a read in I/O mode answers with the status register. */
const STATUS_COMMANDS = new Set([0x10, 0x20, 0x28, 0x40, 0x50, 0x60, 0x70, 0xe8]);
const NAMES: Readonly<Record<number, string>> = {
  0x10: 'program', 0x20: 'block-erase', 0x28: 'block-erase', 0x40: 'program', 0x50: 'clear-status', 0x60: 'lock',
  0x70: 'read-status', 0x90: 'read-id', 0x98: 'cfi-query', 0xe8: 'buffered-write',
};

const ctz = (v: number): number => 31 - Math.clz32(v & -v);

export class PflashCfi01 implements MmioDevice {
  private readonly cfi = new Uint8Array(0x52);
  private readonly writeBlockBytes: number;
  private readonly block: Uint8Array;
  private readArray = true;
  private wcycle = 0;
  private cmd = READ_ARRAY;
  private status = STATUS_READY;
  private counter = 0;
  private blockOffset = -1;

  constructor(
    readonly name: string,
    /** The bank's bytes (a view of the persona's flash memory). */
    readonly storage: Uint8Array,
    private readonly geometry: PflashGeometry,
    private readonly onModeChange: (readArray: boolean) => void = () => undefined,
    private readonly onContentsChange: (offset: number, length: number) => void = () => undefined,
  ) {
    const g = geometry;
    const devices = g.bankWidth / g.deviceWidth;
    const sectorPerDevice = g.sectorBytes / devices;
    const blocks = Math.max(1, Math.floor(storage.length / g.sectorBytes));
    const deviceBytes = sectorPerDevice * blocks;
    const t = this.cfi;
    t.set([0x51, 0x52, 0x59], 0x10); // "QRY"
    t.set([0x01, 0x00, 0x31, 0x00], 0x13); // Intel command set, extended table at 0x31
    t.set([0x45, 0x55, 0x00, 0x00], 0x1b); // Vcc min/max, no Vpp
    t.set([0x07, 0x07, 0x0a, 0x00, 0x04, 0x04, 0x04, 0x00], 0x1f); // typical and maximum timeouts
    t[0x27] = ctz(deviceBytes); // device size, 2^n bytes
    t.set([0x02, 0x00], 0x28); // x8/x16 interface
    t[0x2a] = g.bankWidth === 1 ? 0x08 : 0x0b; // write buffer, 2^n bytes per device
    t[0x2c] = 0x01; // one erase-block region
    t.set([(blocks - 1) & 0xff, (blocks - 1) >> 8, (sectorPerDevice >> 8) & 0xff, sectorPerDevice >> 16], 0x2d);
    t.set([0x50, 0x52, 0x49, 0x31, 0x30], 0x31); // "PRI", version 1.0
    t[0x3f] = 0x01;
    this.writeBlockBytes = (1 << t[0x2a]!) * devices;
    this.block = new Uint8Array(this.writeBlockBytes);
  }

  /** Read-array mode: reads are memory reads; else every access goes through read()/write(). */
  get inReadArray(): boolean {
    return this.readArray;
  }

  /** The command the bank is in, for the trap log ("cfi-query", "buffered-write"...). */
  get commandName(): string {
    return this.readArray ? 'read-array' : NAMES[this.cmd] ?? `0x${this.cmd.toString(16)}`;
  }

  private setReadArray(on: boolean): void {
    if (on === this.readArray) return;
    this.readArray = on;
    this.onModeChange(on);
  }

  private modeReadArray(): void {
    this.wcycle = 0;
    this.cmd = READ_ARRAY;
    this.setReadArray(true);
  }

  private data(offset: number, size: number): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (this.storage[offset + i] ?? 0xff);
    return v;
  }

  /** One chip's answer replicated across the bank (pflash_cfi01.c's "replicate for each device"). */
  private replicate(resp: number): number {
    const g = this.geometry;
    let v = resp;
    for (let i = g.deviceWidth; i < g.bankWidth; i += g.deviceWidth) v = (v | (resp << (8 * i))) >>> 0;
    return v >>> 0;
  }

  private shift(): number {
    // Query addresses are in units of the bank width (x16 chips used at full width: no extra shift).
    return ctz(this.geometry.bankWidth);
  }

  private cfiQuery(offset: number): number {
    const at = offset >>> this.shift();
    return at < this.cfi.length ? this.replicate(this.cfi[at]!) : 0;
  }

  private idQuery(offset: number): number {
    const at = (offset >>> this.shift()) & 0xff;
    if (at === 0) return this.replicate(this.geometry.ids[0]);
    if (at === 1) return this.replicate(this.geometry.ids[1]);
    return 0; // block lock status and the rest: not emulated (as QEMU)
  }

  /** Combines per-bank-width answers for reads wider than the bank (QEMU deposit32 loop). */
  private combined(offset: number, size: number, one: (offset: number) => number): number {
    const w = this.geometry.bankWidth;
    if (size <= w) return (one(offset) & (size === 4 ? 0xffff_ffff : (1 << (8 * size)) - 1)) >>> 0;
    let v = 0;
    for (let i = 0; i < size; i += w) v += one(offset + i) * 2 ** (8 * i);
    return v;
  }

  read(offset: number, size: AccessSize): number {
    const g = this.geometry;
    if (!STATUS_COMMANDS.has(this.cmd) && this.cmd !== 0x90 && this.cmd !== 0x98) {
      this.wcycle = 0; // an unknown state reads as the array (QEMU resets it)
      this.cmd = READ_ARRAY;
    }
    if (this.cmd === READ_ARRAY) return this.data(offset, size);
    if (this.cmd === 0x90) return this.combined(offset, size, (o) => this.idQuery(o));
    if (this.cmd === 0x98) return this.combined(offset, size, (o) => this.cfiQuery(o));
    // The status register, once per chip that the access spans.
    let v = this.status;
    if (size > g.deviceWidth) for (let s = g.deviceWidth * 8; s + g.deviceWidth * 8 <= size * 8; s += g.deviceWidth * 8) v = (v | (this.status << s)) >>> 0;
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    const cmd = value & 0xff;
    switch (this.wcycle) {
      case 0:
        switch (cmd) {
          case 0x00: case 0xf0: case 0xff: return this.modeReadArray(); // read array (0xf0: an AMD probe)
          case 0x50: this.status = 0; return this.modeReadArray(); // clear status
          case 0x10: case 0x40: case 0x20: case 0x60: case 0x70: case 0x90: case 0x98: case 0xe8: break;
          default: return this.modeReadArray(); // an unknown command sequence
        }
        this.setReadArray(false);
        switch (cmd) {
          case 0x20: this.erase(offset); break;
          case 0x70: case 0x90: this.cmd = cmd; return; // read status / read identifier
          case 0xe8: this.status |= STATUS_READY; break; // buffered write: the count comes next
          default: break; // program, (un)lock, CFI query: the next write goes on
        }
        this.wcycle++;
        this.cmd = cmd;
        return;
      case 1:
        switch (this.cmd) {
          case 0x10: case 0x40:
            this.program(offset, size, value);
            this.status |= STATUS_READY;
            this.wcycle = 0;
            return;
          case 0x20: case 0x28:
            if (cmd === 0xd0) { this.wcycle = 0; this.status |= STATUS_READY; return; }
            return this.modeReadArray(); // 0xff, or an error
          case 0xe8:
            this.counter = value & ((1 << (8 * this.geometry.deviceWidth)) - 1);
            this.wcycle++;
            return;
          case 0x60:
            if (cmd === 0xd0 || cmd === 0x01) { this.wcycle = 0; this.status |= STATUS_READY; return; }
            return this.modeReadArray();
          case 0x98:
            if (cmd === 0xff) return this.modeReadArray();
            return; // stays in query mode
          default:
            return this.modeReadArray();
        }
      case 2:
        if (this.cmd !== 0xe8) return this.modeReadArray();
        if (this.blockOffset === -1 && this.counter) {
          this.blockOffset = offset & ~(this.writeBlockBytes - 1);
          this.block.set(this.storage.subarray(this.blockOffset, this.blockOffset + this.writeBlockBytes));
        }
        if (this.blockOffset !== -1 && offset >= this.blockOffset && offset + size <= this.blockOffset + this.writeBlockBytes) {
          for (let i = 0; i < size; i++) this.block[offset - this.blockOffset + i] = (value >>> (8 * i)) & 0xff;
        } else this.status |= STATUS_PROGRAM_ERROR;
        this.status |= STATUS_READY;
        if (!this.counter) this.wcycle++;
        else this.counter--;
        return;
      case 3:
        if (this.cmd === 0xe8 && cmd === 0xd0 && !(this.status & STATUS_PROGRAM_ERROR)) {
          if (this.blockOffset !== -1) {
            this.storage.set(this.block, this.blockOffset);
            this.onContentsChange(this.blockOffset, this.writeBlockBytes);
          }
          this.blockOffset = -1;
          this.wcycle = 0;
          this.status |= STATUS_READY;
          return;
        }
        this.blockOffset = -1;
        return this.modeReadArray();
      default:
        return this.modeReadArray();
    }
  }

  private erase(offset: number): void {
    const start = offset & ~(this.geometry.sectorBytes - 1);
    const end = Math.min(start + this.geometry.sectorBytes, this.storage.length);
    if (start < end) {
      this.storage.fill(0xff, start, end);
      this.onContentsChange(start, end - start);
    } else this.status |= STATUS_ERASE_ERROR;
    this.status |= STATUS_READY;
  }

  private program(offset: number, size: number, value: number): void {
    if (offset + size > this.storage.length) {
      this.status |= STATUS_PROGRAM_ERROR;
      return;
    }
    for (let i = 0; i < size; i++) this.storage[offset + i] = (value >>> (8 * i)) & 0xff;
    this.onContentsChange(offset, size);
  }

  saveState(): PflashState {
    return {
      readArray: this.readArray, wcycle: this.wcycle, cmd: this.cmd, status: this.status, counter: this.counter,
      blockOffset: this.blockOffset, block: this.blockOffset === -1 ? '' : toBase64(this.block),
    };
  }

  restoreState(state: PflashState): void {
    const r = new StateReader(this.name, state);
    const readArray = r.bool('readArray');
    this.wcycle = r.uint('wcycle', 3);
    this.cmd = r.uint('cmd', 0xff);
    this.status = r.uint('status', 0xff);
    this.counter = r.uint('counter', 0xffff);
    const blockOffset = r.uint('blockOffset', this.storage.length, -1);
    if (blockOffset !== -1) this.block.set(r.bytes('block', { length: this.block.length }));
    this.blockOffset = blockOffset;
    this.setReadArray(readArray);
  }
}
