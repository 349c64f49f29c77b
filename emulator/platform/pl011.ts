// ARM PrimeCell PL011 UART (r1p5, DDI0183) as QEMU's `virt` board presents it at VIRT.uart.
//
// Behaviour follows QEMU hw/char/pl011.c where the TRM leaves room:
// - transmission is instantaneous: FR.TXFE is always set, TXFF and BUSY never; every DR write
//   raises TXRIS (cleared by ICR). CR.UARTEN/TXE/RXE are stored but do not gate data (QEMU ignores them).
// - the receive interrupt fires at a trigger level of one character; the receive-timeout interrupt
//   is modelled as "asserted while the RX FIFO holds data" (an immediate timeout), so clearing RT
//   through ICR without draining the FIFO re-asserts it, as real hardware would after the timeout.
// - CR.LBE (loopback) routes transmitted bytes into the RX FIFO instead of the host, as the TRM
//   describes (a probing kernel's test byte then never reaches the console).
// Host output is buffered and handed to `onTransmit` on newline, on `flush()` or at 4 KiB.

import type { AccessSize, IrqLine, MmioDevice } from "./mmio";
import { StateReader, toBase64 } from "../hypervisor/snapshot-errors";

// Register offsets.
const DR = 0x000;
const RSR_ECR = 0x004;
const FR = 0x018;
const ILPR = 0x020;
const IBRD = 0x024;
const FBRD = 0x028;
const LCR_H = 0x02c;
const CR = 0x030;
const IFLS = 0x034;
const IMSC = 0x038;
const RIS = 0x03c;
const MIS = 0x040;
const ICR = 0x044;
const DMACR = 0x048;
const ID_BASE = 0xfe0;

// FR bits.
const FR_RXFE = 1 << 4;
const FR_RXFF = 1 << 6;
const FR_TXFE = 1 << 7;

// Interrupt bits (IMSC/RIS/MIS/ICR).
export const PL011_INT = {
  rx: 1 << 4,
  tx: 1 << 5,
  rt: 1 << 6,
  oe: 1 << 10,
} as const;
const INT_MASK = 0x7ff;

const LCR_H_FEN = 1 << 4;
const CR_LBE = 1 << 7;
const RSR_OE = 1 << 3;

const FIFO_DEPTH = 32;
const TX_BUFFER_BYTES = 4096;
const NEWLINE = 0x0a;

/** PeriphID0-3 then PCellID0-3, at 0xFE0..0xFFC. */
const ID_BYTES: readonly number[] = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1];

const NAMES: Readonly<Record<number, string>> = {
  [DR]: "UARTDR", [RSR_ECR]: "UARTRSR/ECR", [FR]: "UARTFR", [ILPR]: "UARTILPR",
  [IBRD]: "UARTIBRD", [FBRD]: "UARTFBRD", [LCR_H]: "UARTLCR_H", [CR]: "UARTCR",
  [IFLS]: "UARTIFLS", [IMSC]: "UARTIMSC", [RIS]: "UARTRIS", [MIS]: "UARTMIS",
  [ICR]: "UARTICR", [DMACR]: "UARTDMACR",
  0xfe0: "UARTPeriphID0", 0xfe4: "UARTPeriphID1", 0xfe8: "UARTPeriphID2", 0xfec: "UARTPeriphID3",
  0xff0: "UARTPCellID0", 0xff4: "UARTPCellID1", 0xff8: "UARTPCellID2", 0xffc: "UARTPCellID3",
};

export interface Pl011Options {
  /** Receives transmitted bytes in order; the array is the callee's to keep. */
  onTransmit: (bytes: Uint8Array) => void;
  irq: IrqLine;
}

/** Everything a guest can observe of a PL011, as JSON-safe data (see Pl011Uart.saveState). */
export interface Pl011State {
  /** Transmitted bytes not yet handed to `onTransmit` (no newline yet), base64. */
  tx: string;
  /** RX FIFO contents, oldest first, base64 (at most 32 bytes; at most 1 with LCR_H.FEN clear). */
  rx: string;
  /** Bytes dropped on RX overrun (droppedBytes). */
  dropped: number;
  rsr: number;
  ilpr: number;
  ibrd: number;
  fbrd: number;
  lcrH: number;
  cr: number;
  ifls: number;
  imsc: number;
  ris: number;
  dmacr: number;
}

export class Pl011Uart implements MmioDevice {
  readonly name = "pl011";
  private readonly onTransmit: (bytes: Uint8Array) => void;
  private readonly irq: IrqLine;

  private readonly txBuf = new Uint8Array(TX_BUFFER_BYTES);
  private txLen = 0;

  private readonly rxFifo = new Uint8Array(FIFO_DEPTH);
  private rxHead = 0;
  private rxCount = 0;
  private dropped = 0;

  private rsr = 0;
  private ilpr = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcrH = 0;
  private cr = 0x300; // TXE | RXE, as at reset
  private ifls = 0x12;
  private imsc = 0;
  private ris = 0;
  private dmacr = 0;
  private line = false;

  constructor(opts: Pl011Options) {
    this.onTransmit = opts.onTransmit;
    this.irq = opts.irq;
  }

  /** Bytes the host offered while the RX FIFO was full. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** Free RX FIFO entries: how many bytes `receive` would accept now. */
  get rxSpace(): number {
    return this.rxDepth() - this.rxCount;
  }

  /** Host input to the guest. Bytes beyond the FIFO's room are dropped (counted, overrun flagged). */
  receive(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.pushRx(bytes[i]!);
    this.update();
  }

  /** Hand any buffered transmitted bytes to `onTransmit`. */
  flush(): void {
    if (this.txLen === 0) return;
    const out = this.txBuf.slice(0, this.txLen);
    this.txLen = 0;
    this.onTransmit(out);
  }

  read(offset: number, size: AccessSize): number {
    const reg = offset & ~3;
    const value = this.readReg(reg);
    const shift = (offset & 3) * 8;
    return size >= 4 ? value >>> 0 : (value >>> shift) & ((1 << (size * 8)) - 1);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const reg = offset & ~3;
    const shift = (offset & 3) * 8;
    const v = size >= 4 ? value >>> 0 : (value & ((1 << (size * 8)) - 1)) << shift;
    this.writeReg(reg, v);
  }

  registerName(offset: number): string | undefined {
    return NAMES[offset & ~3];
  }

  /** The device's state for a snapshot. Buffered TX bytes are saved, not flushed. */
  saveState(): Pl011State {
    const rx = new Uint8Array(this.rxCount);
    for (let i = 0; i < this.rxCount; i++) rx[i] = this.rxFifo[(this.rxHead + i) % FIFO_DEPTH]!;
    return {
      tx: toBase64(this.txBuf.subarray(0, this.txLen)),
      rx: toBase64(rx),
      dropped: this.dropped,
      rsr: this.rsr, ilpr: this.ilpr, ibrd: this.ibrd, fbrd: this.fbrd, lcrH: this.lcrH, cr: this.cr,
      ifls: this.ifls, imsc: this.imsc, ris: this.ris, dmacr: this.dmacr,
    };
  }

  /**
   * Replace this UART's state with a saved one (checked first: a bad state throws a
   * SnapshotStateError and leaves the device untouched). The interrupt line is driven if the
   * restored level (RIS & IMSC) differs from this instance's, so the GIC agrees whichever of the
   * two is restored first.
   */
  restoreState(state: Pl011State): void {
    const r = new StateReader(this.name, state);
    const lcrH = r.uint("lcrH", 0xff);
    const rx = r.bytes("rx", { maxLength: lcrH & LCR_H_FEN ? FIFO_DEPTH : 1 });
    const tx = r.bytes("tx", { maxLength: TX_BUFFER_BYTES - 1 });
    const s = {
      dropped: r.uint("dropped", Number.MAX_SAFE_INTEGER),
      rsr: r.uint("rsr", 0xf), ilpr: r.uint("ilpr", 0xff), ibrd: r.uint("ibrd", 0xffff), fbrd: r.uint("fbrd", 0x3f),
      cr: r.uint("cr", 0xffff), ifls: r.uint("ifls", 0x3f), imsc: r.uint("imsc", INT_MASK), ris: r.uint("ris", INT_MASK),
      dmacr: r.uint("dmacr", 0x7),
    };
    this.txBuf.fill(0);
    this.txBuf.set(tx);
    this.txLen = tx.length;
    this.rxFifo.fill(0);
    this.rxFifo.set(rx);
    this.rxHead = 0;
    this.rxCount = rx.length;
    this.dropped = s.dropped;
    this.rsr = s.rsr;
    this.ilpr = s.ilpr;
    this.ibrd = s.ibrd;
    this.fbrd = s.fbrd;
    this.lcrH = lcrH;
    this.cr = s.cr;
    this.ifls = s.ifls;
    this.imsc = s.imsc;
    this.ris = s.ris;
    this.dmacr = s.dmacr;
    this.update();
  }

  private rxDepth(): number {
    return this.lcrH & LCR_H_FEN ? FIFO_DEPTH : 1;
  }

  private pushRx(byte: number): void {
    if (this.rxCount >= this.rxDepth()) {
      this.dropped++;
      this.rsr |= RSR_OE;
      this.ris |= PL011_INT.oe;
      return;
    }
    this.rxFifo[(this.rxHead + this.rxCount) % FIFO_DEPTH] = byte;
    this.rxCount++;
    this.ris |= PL011_INT.rx | PL011_INT.rt;
  }

  private readReg(reg: number): number {
    switch (reg) {
      case DR: {
        if (this.rxCount === 0) return 0;
        const byte = this.rxFifo[this.rxHead]!;
        this.rxHead = (this.rxHead + 1) % FIFO_DEPTH;
        this.rxCount--;
        if (this.rxCount === 0) this.ris &= ~(PL011_INT.rx | PL011_INT.rt);
        this.update();
        return byte;
      }
      case RSR_ECR: return this.rsr;
      case FR: {
        let fr = FR_TXFE;
        if (this.rxCount === 0) fr |= FR_RXFE;
        if (this.rxCount >= this.rxDepth()) fr |= FR_RXFF;
        return fr;
      }
      case ILPR: return this.ilpr;
      case IBRD: return this.ibrd;
      case FBRD: return this.fbrd;
      case LCR_H: return this.lcrH;
      case CR: return this.cr;
      case IFLS: return this.ifls;
      case IMSC: return this.imsc;
      case RIS: return this.ris;
      case MIS: return this.ris & this.imsc;
      case DMACR: return this.dmacr;
      default:
        if (reg >= ID_BASE && reg < ID_BASE + 0x20) return ID_BYTES[(reg - ID_BASE) >> 2]!;
        return 0;
    }
  }

  private writeReg(reg: number, v: number): void {
    switch (reg) {
      case DR: this.transmit(v & 0xff); break;
      case RSR_ECR: this.rsr = 0; break;
      case ILPR: this.ilpr = v & 0xff; break;
      case IBRD: this.ibrd = v & 0xffff; break;
      case FBRD: this.fbrd = v & 0x3f; break;
      case LCR_H:
        // Toggling FEN empties the receive FIFO (as QEMU).
        if ((this.lcrH ^ v) & LCR_H_FEN) {
          this.rxCount = 0;
          this.rxHead = 0;
          this.ris &= ~(PL011_INT.rx | PL011_INT.rt);
        }
        this.lcrH = v & 0xff;
        break;
      case CR: this.cr = v & 0xffff; break;
      case IFLS: this.ifls = v & 0x3f; break;
      case IMSC: this.imsc = v & INT_MASK; break;
      case ICR:
        this.ris &= ~v;
        if (this.rxCount > 0) this.ris |= PL011_INT.rt; // an immediate receive timeout
        break;
      case DMACR: this.dmacr = v & 0x7; break;
      default: return; // read-only or reserved: ignored
    }
    this.update();
  }

  private transmit(byte: number): void {
    this.ris |= PL011_INT.tx;
    if (this.cr & CR_LBE) {
      this.pushRx(byte);
      return;
    }
    this.txBuf[this.txLen++] = byte;
    if (byte === NEWLINE || this.txLen === TX_BUFFER_BYTES) this.flush();
  }

  private update(): void {
    const level = (this.ris & this.imsc) !== 0;
    if (level !== this.line) {
      this.line = level;
      this.irq(level);
    }
  }
}
