import { test } from "node:test";
import assert from "node:assert/strict";
import { Pl011Uart, PL011_INT } from "../../../emulator/platform/pl011";

const DR = 0x000, RSR = 0x004, FR = 0x018, LCR_H = 0x02c, CR = 0x030, IMSC = 0x038, RIS = 0x03c, MIS = 0x040, ICR = 0x044;
const FR_RXFE = 0x10, FR_RXFF = 0x40, FR_TXFE = 0x80, FR_TXFF = 0x20, FR_BUSY = 0x08;
const LCR_H_FEN = 0x10;

function makeUart() {
  const out: number[] = [];
  const chunks: Uint8Array[] = [];
  const irqs: boolean[] = [];
  const uart = new Pl011Uart({
    onTransmit: (b) => { chunks.push(b); out.push(...b); },
    irq: (level) => irqs.push(level),
  });
  return { uart, out, chunks, irqs };
}

function writeString(uart: Pl011Uart, s: string): void {
  for (const ch of Buffer.from(s)) uart.write(DR, 4, ch);
}

test("TX bytes reach onTransmit in order, flushed at newline", () => {
  const { uart, out, chunks } = makeUart();
  writeString(uart, "hello");
  assert.equal(chunks.length, 0, "no newline yet: still buffered");
  writeString(uart, " world\nnext");
  assert.equal(chunks.length, 1);
  assert.equal(Buffer.from(out).toString(), "hello world\n");
  uart.flush();
  assert.equal(Buffer.from(out).toString(), "hello world\nnext");
  uart.flush();
  assert.equal(chunks.length, 2, "empty flush hands nothing");
});

test("TX flushes when the buffer reaches 4 KiB", () => {
  const { uart, chunks } = makeUart();
  for (let i = 0; i < 4096; i++) uart.write(DR, 1, 0x41);
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0]!.length, 4096);
});

test("FR: TX always empty and never full or busy", () => {
  const { uart } = makeUart();
  writeString(uart, "x".repeat(100));
  const fr = uart.read(FR, 4);
  assert.ok(fr & FR_TXFE);
  assert.equal(fr & (FR_TXFF | FR_BUSY), 0);
});

test("FR RXFE/RXFF track the RX FIFO (32 entries with FEN, 1 without)", () => {
  const { uart } = makeUart();
  assert.ok(uart.read(FR, 4) & FR_RXFE);
  uart.receive(new Uint8Array([0x61]));
  let fr = uart.read(FR, 4);
  assert.equal(fr & FR_RXFE, 0);
  assert.ok(fr & FR_RXFF, "FIFOs disabled: one character fills it");
  uart.receive(new Uint8Array([0x62]));
  assert.equal(uart.droppedBytes, 1);
  assert.ok(uart.read(RSR, 4) & 0x8, "overrun flagged in RSR");
  uart.write(RSR, 4, 0);
  assert.equal(uart.read(RSR, 4), 0, "ECR write clears errors");
  assert.equal(uart.read(DR, 4), 0x61);
  assert.ok(uart.read(FR, 4) & FR_RXFE);

  uart.write(LCR_H, 4, LCR_H_FEN | 0x60);
  const bytes = new Uint8Array(40).map((_, i) => i + 1);
  uart.receive(bytes);
  assert.equal(uart.droppedBytes, 1 + 8);
  fr = uart.read(FR, 4);
  assert.ok(fr & FR_RXFF);
  for (let i = 1; i <= 32; i++) {
    assert.equal(uart.read(DR, 4), i);
    fr = uart.read(FR, 4);
    assert.equal(fr & FR_RXFF, 0);
  }
  assert.ok(uart.read(FR, 4) & FR_RXFE);
});

test("RX interrupt raises and clears through IMSC/ICR and by draining", () => {
  const { uart, irqs } = makeUart();
  uart.write(LCR_H, 4, LCR_H_FEN);
  uart.receive(new Uint8Array([1, 2]));
  assert.ok(uart.read(RIS, 4) & PL011_INT.rx);
  assert.deepEqual(irqs, [], "masked: line stays low");
  uart.write(IMSC, 4, PL011_INT.rx);
  assert.deepEqual(irqs, [true]);
  assert.equal(uart.read(MIS, 4), PL011_INT.rx);
  uart.write(ICR, 4, PL011_INT.rx);
  assert.deepEqual(irqs, [true, false]);
  assert.equal(uart.read(MIS, 4), 0);
  uart.receive(new Uint8Array([3]));
  assert.deepEqual(irqs, [true, false, true]);
  uart.read(DR, 4); uart.read(DR, 4);
  assert.deepEqual(irqs, [true, false, true], "still data: stays asserted");
  uart.read(DR, 4);
  assert.deepEqual(irqs, [true, false, true, false], "drained: RX deasserts");
});

test("receive timeout stays asserted while the FIFO holds data", () => {
  const { uart, irqs } = makeUart();
  uart.write(IMSC, 4, PL011_INT.rt);
  uart.receive(new Uint8Array([9]));
  assert.deepEqual(irqs, [true]);
  uart.write(ICR, 4, PL011_INT.rt);
  assert.ok(uart.read(RIS, 4) & PL011_INT.rt, "data still there: RT re-asserts");
  uart.read(DR, 4);
  assert.deepEqual(irqs, [true, false]);
});

test("TX interrupt is raised by a DR write and cleared by ICR", () => {
  const { uart, irqs } = makeUart();
  uart.write(IMSC, 4, PL011_INT.tx);
  assert.deepEqual(irqs, []);
  uart.write(DR, 4, 0x41);
  assert.deepEqual(irqs, [true]);
  uart.write(ICR, 4, PL011_INT.tx);
  assert.deepEqual(irqs, [true, false]);
});

test("loopback routes TX into the RX FIFO", () => {
  const { uart, out } = makeUart();
  uart.write(CR, 4, 0x301 | 0x80);
  uart.write(DR, 4, 0x5a);
  uart.flush();
  assert.deepEqual(out, []);
  assert.equal(uart.read(DR, 4), 0x5a);
});

test("PrimeCell ID registers read as QEMU's PL011", () => {
  const { uart } = makeUart();
  const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => uart.read(o, 4));
  assert.deepEqual(ids, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  assert.equal(uart.registerName(0x018), "UARTFR");
  assert.equal(uart.registerName(0xfe0), "UARTPeriphID0");
});

test("control registers read back what was written", () => {
  const { uart } = makeUart();
  assert.equal(uart.read(CR, 4), 0x300, "reset: TXE|RXE");
  uart.write(0x024, 4, 13); uart.write(0x028, 4, 1);
  assert.equal(uart.read(0x024, 4), 13);
  assert.equal(uart.read(0x028, 4), 1);
  uart.write(CR, 2, 0x301);
  assert.equal(uart.read(CR, 4), 0x301);
});
