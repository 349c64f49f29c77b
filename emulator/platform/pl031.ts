// ARM PrimeCell PL031 real-time clock (DDI0224) as QEMU's `virt` board presents it at VIRT.rtc.
//
// DR counts seconds: the value last written to LR plus the seconds elapsed since, taken from the
// host clock `nowSeconds()`. As on QEMU (hw/rtc/pl031.c) the counter is permanently enabled: CR
// reads 1 and writes to it are ignored. The match interrupt (RIS bit 0) is raised when DR reaches
// MR; this is checked on every access and whenever the emulator calls `tick()`, catching any
// crossing of MR since the previous check, so a late tick still raises it.

import type { AccessSize, IrqLine, MmioDevice } from "./mmio";
import { StateReader } from "../hypervisor/snapshot-errors";

// Register offsets.
const DR = 0x00;
const MR = 0x04;
const LR = 0x08;
const CR = 0x0c;
const IMSC = 0x10;
const RIS = 0x14;
const MIS = 0x18;
const ICR = 0x1c;
const ID_BASE = 0xfe0;

const INT_MATCH = 1;

/** PeriphID0-3 then PCellID0-3, at 0xFE0..0xFFC. */
const ID_BYTES: readonly number[] = [0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

const NAMES: Readonly<Record<number, string>> = {
  [DR]: "RTCDR", [MR]: "RTCMR", [LR]: "RTCLR", [CR]: "RTCCR",
  [IMSC]: "RTCIMSC", [RIS]: "RTCRIS", [MIS]: "RTCMIS", [ICR]: "RTCICR",
  0xfe0: "RTCPeriphID0", 0xfe4: "RTCPeriphID1", 0xfe8: "RTCPeriphID2", 0xfec: "RTCPeriphID3",
  0xff0: "RTCPCellID0", 0xff4: "RTCPCellID1", 0xff8: "RTCPCellID2", 0xffc: "RTCPCellID3",
};

export interface Pl031Options {
  irq: IrqLine;
  /** Host time in seconds (fractions are truncated), e.g. `() => Date.now() / 1000`. */
  nowSeconds: () => number;
}

/**
 * Everything a guest can observe of a PL031, as JSON-safe data (see Pl031Rtc.saveState).
 * DR is `(offset + nowSeconds()) mod 2^32`: the restoring side's clock decides what DR reads next
 * (the deterministic clock restored with the instruction count gives the same DR; the host clock
 * keeps the RTC following wall time, as QEMU's migration does).
 */
export interface Pl031State {
  /** DR minus the clock, mod 2^32. */
  offset: number;
  mr: number;
  lr: number;
  imsc: number;
  ris: number;
  /** DR at the previous match check (a crossing of MR after it still raises the interrupt). */
  lastChecked: number;
}

export class Pl031Rtc implements MmioDevice {
  readonly name = "pl031";
  private readonly irq: IrqLine;
  private readonly nowSeconds: () => number;

  /** DR = (offset + now) mod 2^32. */
  private offset = 0;
  private mr = 0;
  private lr = 0;
  private imsc = 0;
  private ris = 0;
  private line = false;
  /** DR at the previous match check; MR is matched when it lies in (lastChecked, DR]. */
  private lastChecked: number;

  constructor(opts: Pl031Options) {
    this.irq = opts.irq;
    this.nowSeconds = opts.nowSeconds;
    this.lastChecked = this.count();
  }

  /** Let the RTC notice that DR has reached MR; the emulator may call this periodically. */
  tick(): void {
    this.checkMatch();
    this.update();
  }

  read(offset: number, size: AccessSize): number {
    this.checkMatch();
    const reg = offset & ~3;
    let value: number;
    switch (reg) {
      case DR: value = this.count(); break;
      case MR: value = this.mr; break;
      case LR: value = this.lr; break; // the value last loaded (TRM; QEMU always reads 0)
      case CR: value = 1; break;
      case IMSC: value = this.imsc; break;
      case RIS: value = this.ris; break;
      case MIS: value = this.ris & this.imsc; break;
      default:
        value = reg >= ID_BASE && reg < ID_BASE + 0x20 ? ID_BYTES[(reg - ID_BASE) >> 2]! : 0;
    }
    this.update();
    if (size >= 4) return value >>> 0;
    return (value >>> ((offset & 3) * 8)) & ((1 << (size * 8)) - 1);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const v = size >= 4 ? value >>> 0 : (value & ((1 << (size * 8)) - 1)) << ((offset & 3) * 8);
    this.checkMatch();
    switch (offset & ~3) {
      case LR:
        this.lr = v >>> 0;
        this.offset = (v - this.now()) >>> 0;
        this.lastChecked = (v - 1) >>> 0;
        break;
      case MR:
        this.mr = v >>> 0;
        this.lastChecked = (this.count() - 1) >>> 0; // a match already due fires at once, as QEMU
        break;
      case IMSC: this.imsc = v & INT_MATCH; break;
      case ICR: this.ris &= ~v & INT_MATCH; break;
      default: break; // DR, CR, RIS, MIS and IDs: read-only / ignored
    }
    this.checkMatch();
    this.update();
  }

  registerName(offset: number): string | undefined {
    return NAMES[offset & ~3];
  }

  /** The device's state for a snapshot (taken as is: no match check first, so none is lost). */
  saveState(): Pl031State {
    return { offset: this.offset, mr: this.mr, lr: this.lr, imsc: this.imsc, ris: this.ris, lastChecked: this.lastChecked };
  }

  /**
   * Replace this RTC's state with a saved one (checked first: a bad state throws a
   * SnapshotStateError and leaves the device untouched). The interrupt line is driven if the
   * restored level (RIS & IMSC) differs from this instance's.
   */
  restoreState(state: Pl031State): void {
    const r = new StateReader(this.name, state);
    const s = {
      offset: r.uint("offset", 0xffff_ffff), mr: r.uint("mr", 0xffff_ffff), lr: r.uint("lr", 0xffff_ffff),
      imsc: r.uint("imsc", INT_MATCH), ris: r.uint("ris", INT_MATCH), lastChecked: r.uint("lastChecked", 0xffff_ffff),
    };
    this.offset = s.offset;
    this.mr = s.mr;
    this.lr = s.lr;
    this.imsc = s.imsc;
    this.ris = s.ris;
    this.lastChecked = s.lastChecked;
    this.update();
  }

  private now(): number {
    return Math.floor(this.nowSeconds()) >>> 0;
  }

  private count(): number {
    return (this.offset + this.now()) >>> 0;
  }

  private checkMatch(): void {
    const dr = this.count();
    const elapsed = (dr - this.lastChecked) >>> 0;
    if (elapsed === 0) return;
    const toMatch = (this.mr - this.lastChecked) >>> 0;
    if (toMatch !== 0 && toMatch <= elapsed) this.ris |= INT_MATCH;
    this.lastChecked = dr;
  }

  private update(): void {
    const level = (this.ris & this.imsc) !== 0;
    if (level !== this.line) {
      this.line = level;
      this.irq(level);
    }
  }
}
