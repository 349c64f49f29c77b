import { test } from "node:test";
import assert from "node:assert/strict";
import { Pl031Rtc } from "../../../emulator/platform/pl031";

const DR = 0x00, MR = 0x04, LR = 0x08, CR = 0x0c, IMSC = 0x10, RIS = 0x14, MIS = 0x18, ICR = 0x1c;

function makeRtc(start = 1_700_000_000.25) {
  let now = start;
  const irqs: boolean[] = [];
  const rtc = new Pl031Rtc({ irq: (l) => irqs.push(l), nowSeconds: () => now });
  return { rtc, irqs, advance: (s: number) => { now += s; } };
}

test("DR counts host seconds and LR sets the count", () => {
  const { rtc, advance } = makeRtc();
  assert.equal(rtc.read(DR, 4), 1_700_000_000);
  advance(5);
  assert.equal(rtc.read(DR, 4), 1_700_000_005);
  rtc.write(LR, 4, 1000);
  assert.equal(rtc.read(DR, 4), 1000);
  assert.equal(rtc.read(LR, 4), 1000);
  advance(3);
  assert.equal(rtc.read(DR, 4), 1003);
  rtc.write(DR, 4, 0);
  assert.equal(rtc.read(DR, 4), 1003, "DR is read-only");
  assert.equal(rtc.read(CR, 4), 1, "permanently enabled");
});

test("match interrupt raises when DR reaches MR and clears through ICR", () => {
  const { rtc, irqs, advance } = makeRtc();
  rtc.write(LR, 4, 100);
  rtc.write(IMSC, 4, 1);
  rtc.write(MR, 4, 110);
  assert.equal(rtc.read(RIS, 4), 0);
  advance(20); // a late tick still notices the crossing
  rtc.tick();
  assert.deepEqual(irqs, [true]);
  assert.equal(rtc.read(MIS, 4), 1);
  rtc.write(ICR, 4, 1);
  assert.deepEqual(irqs, [true, false]);
  assert.equal(rtc.read(RIS, 4), 0);
  advance(100);
  rtc.tick();
  assert.deepEqual(irqs, [true, false], "fires once per crossing");
});

test("a match equal to the current count fires at once; masked match sets RIS only", () => {
  const { rtc, irqs } = makeRtc();
  rtc.write(LR, 4, 50);
  rtc.write(MR, 4, 50);
  assert.equal(rtc.read(RIS, 4), 1);
  assert.deepEqual(irqs, []);
  rtc.write(IMSC, 4, 1);
  assert.deepEqual(irqs, [true]);
});

test("PrimeCell ID registers read as the PL031", () => {
  const { rtc } = makeRtc();
  const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map((o) => rtc.read(o, 4));
  assert.deepEqual(ids, [0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
  assert.equal(rtc.registerName(0), "RTCDR");
});
