// Device snapshots: each device is driven into a non-trivial state through its guest interface,
// saved, passed through JSON, restored into a fresh instance, and both copies are then driven the
// same way: every guest-visible result (register reads, IAR sequence, EOI effects, interrupt
// edges, host output) must match. Corrupt states must throw SnapshotStateError naming the device.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pl011Uart, type Pl011State } from "../../../emulator/platform/pl011";
import { Pl031Rtc, type Pl031State } from "../../../emulator/platform/pl031";
import { GicV2, GIC_SPURIOUS, type GicV2State } from "../../../emulator/platform/gicv2";
import { GicV2mFrame } from "../../../emulator/platform/gicv2m";
import { VirtioMmioEmpty } from "../../../emulator/platform/virtio-mmio-empty";
import { PcieEcamEmpty, type PcieEcamEmptyState } from "../../../emulator/platform/pcie-ecam-empty";
import { RegisterBlock, type RegisterBlockState } from "../../../emulator/platform/register-block";
import { GenericTimer, TIMER_REGISTERS, type GenericTimerState } from "../../../emulator/arch/aarch64/generic-timer";
import { SnapshotStateError } from "../../../emulator/hypervisor/snapshot-errors";
import { IRQ } from "../../../emulator/platform/virt-map";

/** The JSON round trip a snapshot file makes. */
function viaJson<T>(state: T): T {
  return JSON.parse(JSON.stringify(state)) as T;
}

/** A copy of `state` with the value at `path` (dot/index path) replaced, or deleted when `value` is omitted. */
function tamper<T>(state: T, path: (string | number)[], ...value: unknown[]): T {
  const copy = viaJson(state) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value.length === 0) delete o[last]; else o[last] = value[0];
  return copy as T;
}

function assertSnapshotError(fn: () => void, device: string, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SnapshotStateError, `expected SnapshotStateError, got ${String(e)}`);
    assert.equal(e.device, device);
    assert.equal(e.field, field);
    assert.ok(e.message.includes(device), e.message);
    return true;
  });
}

// ---------------------------------------------------------------- PL011

const U_DR = 0x000, U_RSR = 0x004, U_FR = 0x018, U_ILPR = 0x020, U_IBRD = 0x024, U_FBRD = 0x028, U_LCR_H = 0x02c;
const U_CR = 0x030, U_IFLS = 0x034, U_IMSC = 0x038, U_RIS = 0x03c, U_MIS = 0x040, U_ICR = 0x044, U_DMACR = 0x048;

function makeUart() {
  const out: number[] = [];
  const irqs: boolean[] = [];
  const uart = new Pl011Uart({ onTransmit: (b) => out.push(...b), irq: (l) => irqs.push(l) });
  return { uart, out, irqs };
}

function uartRegs(uart: Pl011Uart): number[] {
  return [U_RSR, U_FR, U_ILPR, U_IBRD, U_FBRD, U_LCR_H, U_CR, U_IFLS, U_IMSC, U_RIS, U_MIS, U_DMACR, 0xfe0, 0xffc]
    .map((r) => uart.read(r, 4));
}

test("pl011: RX FIFO, IMSC, partial TX and overrun survive save/restore", () => {
  const a = makeUart();
  a.uart.write(U_LCR_H, 4, 0x70); // FEN, 8 bits
  a.uart.write(U_IBRD, 4, 13);
  a.uart.write(U_FBRD, 4, 1);
  a.uart.write(U_IFLS, 4, 0x09);
  a.uart.write(U_DMACR, 4, 2);
  a.uart.write(U_IMSC, 4, 0x50); // RX | RT
  a.uart.receive(Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz")); // 36 bytes: 4 dropped, OE
  a.uart.read(U_DR, 4); // head moves: the FIFO wraps
  a.uart.read(U_DR, 4);
  a.uart.receive(Buffer.from("AB"));
  for (const ch of Buffer.from("partial")) a.uart.write(U_DR, 4, ch);
  assert.deepEqual(a.out, [], "no newline yet");
  assert.deepEqual(a.irqs, [true]);

  const saved = viaJson(a.uart.saveState());
  assert.equal(Buffer.from(saved.tx, "base64").toString(), "partial");
  const b = makeUart();
  b.uart.restoreState(saved);
  assert.deepEqual(b.irqs, [true], "restored line driven high");
  assert.deepEqual(b.uart.saveState(), saved);
  assert.equal(b.uart.droppedBytes, a.uart.droppedBytes);
  assert.equal(b.uart.rxSpace, a.uart.rxSpace);

  a.irqs.length = 0;
  b.irqs.length = 0;
  const script = (u: ReturnType<typeof makeUart>) => {
    const r: number[] = [...uartRegs(u.uart)];
    for (const ch of Buffer.from(" tx\n")) u.uart.write(U_DR, 4, ch);
    r.push(...uartRegs(u.uart));
    u.uart.write(U_ICR, 4, 0x7ff);
    r.push(...uartRegs(u.uart));
    for (let i = 0; i < 36; i++) r.push(u.uart.read(U_DR, 4), u.uart.read(U_FR, 4), u.uart.read(U_MIS, 4));
    u.uart.write(U_RSR, 4, 0);
    u.uart.write(U_CR, 4, 0x381); // loopback
    u.uart.write(U_DR, 4, 0x55);
    r.push(...uartRegs(u.uart), u.uart.read(U_DR, 4));
    u.uart.flush();
    return r;
  };
  assert.deepEqual(script(b), script(a));
  assert.equal(Buffer.from(b.out).toString(), "partial tx\n");
  assert.deepEqual(b.out, a.out);
  assert.deepEqual(b.irqs, a.irqs);
});

test("pl011: a quiet UART restores without driving its line", () => {
  const a = makeUart();
  a.uart.write(U_IMSC, 4, 0x10);
  const b = makeUart();
  b.uart.restoreState(viaJson(a.uart.saveState()));
  assert.deepEqual(b.irqs, []);
  assert.deepEqual(uartRegs(b.uart), uartRegs(a.uart));
});

test("pl011: corrupt states throw SnapshotStateError naming the field", () => {
  const { uart } = makeUart();
  uart.receive(Buffer.from("x"));
  const good = uart.saveState();
  const fresh = makeUart();
  const before = fresh.uart.saveState();
  assertSnapshotError(() => fresh.uart.restoreState(tamper(good, ["imsc"])), "pl011", "imsc");
  assertSnapshotError(() => fresh.uart.restoreState(tamper(good, ["ris"], "7")), "pl011", "ris");
  assertSnapshotError(() => fresh.uart.restoreState(tamper(good, ["rx"], 12)), "pl011", "rx");
  assertSnapshotError(() => fresh.uart.restoreState(tamper(good, ["rx"], Buffer.from("ab").toString("base64"))), "pl011", "rx"); // FIFO off: depth 1
  assertSnapshotError(() => fresh.uart.restoreState(tamper(good, ["tx"])), "pl011", "tx");
  assertSnapshotError(() => fresh.uart.restoreState(null as unknown as Pl011State), "pl011", "");
  assert.deepEqual(fresh.uart.saveState(), before, "a failed restore leaves the device untouched");
  assert.deepEqual(fresh.irqs, []);
});

// ---------------------------------------------------------------- PL031

const R_DR = 0x00, R_MR = 0x04, R_LR = 0x08, R_CR = 0x0c, R_IMSC = 0x10, R_RIS = 0x14, R_MIS = 0x18, R_ICR = 0x1c;

function makeRtc(clock: { now: number }) {
  const irqs: boolean[] = [];
  const rtc = new Pl031Rtc({ irq: (l) => irqs.push(l), nowSeconds: () => clock.now });
  return { rtc, irqs };
}

const rtcRegs = (rtc: Pl031Rtc) => [R_DR, R_MR, R_LR, R_CR, R_IMSC, R_RIS, R_MIS, 0xfe0].map((r) => rtc.read(r, 4));

test("pl031: loaded counter, pending match and raised interrupt survive save/restore", () => {
  const clock = { now: 1_700_000_000.5 };
  const a = makeRtc(clock);
  a.rtc.write(R_LR, 4, 5000);
  a.rtc.write(R_IMSC, 4, 1);
  a.rtc.write(R_MR, 4, 5010);
  clock.now += 3;
  const saved = viaJson(a.rtc.saveState());
  const b = makeRtc(clock);
  b.rtc.restoreState(saved);
  assert.deepEqual(b.irqs, []);
  assert.deepEqual(b.rtc.saveState(), saved);

  const script = (x: ReturnType<typeof makeRtc>, c: { now: number }) => {
    const r = [...rtcRegs(x.rtc)];
    c.now += 20; // crosses MR between checks: a late tick still raises the match
    x.rtc.tick();
    r.push(...rtcRegs(x.rtc));
    x.rtc.write(R_ICR, 4, 1);
    x.rtc.write(R_MR, 4, 4000); // already passed: no match
    r.push(...rtcRegs(x.rtc));
    return r;
  };
  const clockA = { now: clock.now }, clockB = { now: clock.now };
  const a2 = makeRtc(clockA), b2 = makeRtc(clockB);
  a2.rtc.restoreState(saved);
  b2.rtc.restoreState(viaJson(b.rtc.saveState()));
  assert.deepEqual(script(b2, clockB), script(a2, clockA));
  assert.deepEqual(b2.irqs, [true, false]);
  assert.deepEqual(b2.irqs, a2.irqs);

  // A raised match line is re-driven on restore.
  const raised = viaJson(a2.rtc.saveState());
  a2.rtc.write(R_MR, 4, a2.rtc.read(R_DR, 4) + 1);
  clockA.now += 1;
  a2.rtc.tick();
  const c = makeRtc(clockA);
  c.rtc.restoreState(viaJson(a2.rtc.saveState()));
  assert.deepEqual(c.irqs, [true]);
  assert.equal(c.rtc.read(R_MIS, 4), 1);
  c.rtc.restoreState(raised);
  assert.deepEqual(c.irqs, [true, false], "restoring a quiet state lowers the line");
});

test("pl031: corrupt states throw SnapshotStateError naming the field", () => {
  const { rtc } = makeRtc({ now: 10 });
  const good = rtc.saveState();
  assertSnapshotError(() => rtc.restoreState(tamper(good, ["offset"])), "pl031", "offset");
  assertSnapshotError(() => rtc.restoreState(tamper(good, ["mr"], -1)), "pl031", "mr");
  assertSnapshotError(() => rtc.restoreState(tamper(good, ["lastChecked"], 2 ** 32)), "pl031", "lastChecked");
  assertSnapshotError(() => rtc.restoreState([] as unknown as Pl031State), "pl031", "");
});

// ---------------------------------------------------------------- GICv2

const GICD_CTLR = 0x000, GICD_ISENABLER = 0x100, GICD_ISPENDR = 0x200, GICD_IPRIORITYR = 0x400, GICD_IGROUPR = 0x080;
const GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00, GICD_SGIR = 0xf00, GICD_SPENDSGIR = 0xf20;
const GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10, GICC_RPR = 0x14;
const GICC_HPPIR = 0x18, GICC_ABPR = 0x1c, GICC_AIAR = 0x20, GICC_IIDR = 0xfc, GICC_DIR = 0x1000;

function makeGic(cpus: number) {
  const cur = { cpu: 0 };
  const edges: [number, boolean][] = [];
  const gic = new GicV2(cpus, () => cur.cpu, (c, p) => edges.push([c, p]));
  const on = (c: number) => { cur.cpu = c; };
  return { gic, d: gic.distributor, cc: gic.cpuInterface, edges, on, cpus };
}
type GicRig = ReturnType<typeof makeGic>;

/** Every distributor word and side-effect-free CPU interface register, as each CPU sees them. */
function gicDump(g: GicRig): number[] {
  const r: number[] = [];
  for (let c = 0; c < g.cpus; c++) {
    g.on(c);
    for (let off = 0; off < 0x1000; off += 4) r.push(g.d.read(off, 4));
    for (const reg of [GICC_CTLR, GICC_PMR, GICC_BPR, GICC_RPR, GICC_HPPIR, GICC_ABPR, GICC_AIAR, GICC_IIDR]) r.push(g.cc.read(reg, 4));
    r.push(g.gic.highestPending(c), g.gic.irqPending(c) ? 1 : 0);
  }
  return r;
}

/** Two CPUs with enabled, pending and active interrupts at several priorities, PMR/BPR set, one IAR not yet EOI'd. */
function busyGic(): GicRig {
  const g = makeGic(2);
  const { gic, d, cc, on } = g;
  d.write(GICD_CTLR, 4, 3);
  on(0);
  cc.write(GICC_PMR, 4, 0xf0);
  cc.write(GICC_BPR, 4, 3);
  cc.write(GICC_ABPR, 4, 5);
  cc.write(GICC_CTLR, 4, 3);
  for (let r = 0; r < 16; r += 4) d.write(GICD_IPRIORITYR + r, 4, 0x70707070);
  on(1);
  cc.write(GICC_PMR, 4, 0xe0);
  cc.write(GICC_CTLR, 4, 1 | (1 << 9)); // EOImode: EOIR drops priority, DIR deactivates
  for (let r = 0; r < 16; r += 4) d.write(GICD_IPRIORITYR + r, 4, 0x30303030);
  d.write(GICD_ISENABLER, 4, 1 << IRQ.timerVirt);
  d.write(GICD_IPRIORITYR + IRQ.timerVirt, 1, 0x60);
  on(0);
  const spi = (id: number, prio: number, targets: number) => {
    d.write(GICD_ISENABLER + 4 * (id >> 5), 4, 1 << (id & 31));
    d.write(GICD_IPRIORITYR + id, 1, prio);
    d.write(GICD_ITARGETSR + id, 1, targets);
  };
  spi(IRQ.uart, 0xa0, 1);
  spi(IRQ.rtc, 0x80, 1);
  spi(40, 0x90, 2);
  spi(41, 0x50, 3);
  spi(70, 0xc0, 1);
  d.write(GICD_ICFGR + (40 >> 4) * 4, 4, 2 << ((40 & 15) * 2)); // 40: edge
  d.write(GICD_IGROUPR + 8, 4, 1 << (70 - 64)); // 70: group 1
  d.write(GICD_ISPENDR + 8, 4, 1 << (70 - 64)); // 70: software pending
  gic.setLevel(IRQ.uart, true);
  gic.setLevel(IRQ.rtc, true);
  gic.setLevel(40, true);
  gic.setLevel(40, false); // latched
  gic.setLevel(IRQ.timerVirt, true, 1);
  d.write(GICD_SGIR, 4, (0b10 << 16) | 3); // CPU 0 -> CPU 1: SGI 3
  d.write(GICD_SGIR, 4, (0b11 << 16) | 5); // CPU 0 -> both: SGI 5
  on(1);
  d.write(GICD_SGIR, 4, (0b01 << 16) | 5); // CPU 1 -> CPU 0: SGI 5 (two sources on CPU 0)
  d.write(GICD_SPENDSGIR + 9, 1, 0b11); // SGI 9 on CPU 1 pending from both
  on(0);
  assert.equal(cc.read(GICC_IAR, 4), 5 | (0 << 10), "CPU 0 takes SGI 5 from CPU 0 first");
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS, "same group priority: no preemption");
  on(1);
  assert.equal(cc.read(GICC_IAR, 4), 3, "CPU 1 takes SGI 3");
  d.write(GICD_IPRIORITYR + 9, 1, 0x10); // CPU 1's SGI 9 now preempts its active SGI 3
  gic.setLevel(41, true); // 0x50 on both CPUs: preempts CPU 0's active SGI 5
  assert.ok(gic.irqPending(0) && gic.irqPending(1), "both CPUs have a preempting interrupt pending");
  return g;
}

/** A guest's interrupt handling after the snapshot point: IAR/EOIR/DIR sequences, line changes, reconfiguration. */
function gicScript(g: GicRig): unknown[] {
  const { gic, d, cc, on } = g;
  const r: unknown[] = [gicDump(g)];
  const ack = (c: number) => { on(c); const v = cc.read(GICC_IAR, 4); r.push(["iar", c, v, cc.read(GICC_RPR, 4), cc.read(GICC_HPPIR, 4)]); return v; };
  const eoi = (c: number, v: number) => { on(c); cc.write(GICC_EOIR, 4, v); r.push(["eoi", c, cc.read(GICC_RPR, 4), cc.read(GICC_HPPIR, 4), g.edges.length]); };
  const taken: number[][] = [[], []];
  /** One step of a guest handler on CPU c: take an interrupt, or finish the latest taken one. */
  const step = (c: number) => {
    const v = ack(c);
    if ((v & 0x3ff) !== GIC_SPURIOUS) { taken[c]!.push(v); return; }
    const done = taken[c]!.pop();
    if (done === undefined) return;
    eoi(c, done);
    if (c === 1) { on(1); cc.write(GICC_DIR, 4, done); } // CPU 1 runs with EOImode = 1
  };
  eoi(0, 5);
  step(0);
  step(0);
  eoi(1, 3);
  on(1);
  cc.write(GICC_DIR, 4, 3);
  r.push(gicDump(g));
  for (let i = 0; i < 4; i++) step(1);
  gic.setLevel(IRQ.rtc, false);
  gic.setLevel(41, false);
  r.push(gicDump(g));
  on(0);
  cc.write(GICC_PMR, 4, 0xff);
  for (let round = 0; round < 24; round++) {
    step(0);
    step(1);
    if (round === 6) gic.setLevel(IRQ.timerVirt, false, 1);
    if (round === 9) { on(1); d.write(GICD_SGIR, 4, (1 << 24) | 7); } // CPU 1 -> all but self: SGI 7
  }
  r.push(taken.map((t) => t.length));
  gic.setLevel(IRQ.uart, false);
  gic.setLevel(50, true);
  d.write(GICD_ISENABLER + 4, 4, 1 << 18);
  r.push(gicDump(g), [...g.edges]);
  return r;
}

test("gicv2: two CPUs with pending, active and SGI state behave identically after save/restore", () => {
  const a = busyGic();
  const saved = viaJson(a.gic.saveState());
  assert.equal(saved.cpus.length, 2);
  assert.equal(saved.cpus[1]!.sgiSources[9], 0b11);

  const b = makeGic(2);
  b.gic.restoreState(saved);
  const expectedEdges: [number, boolean][] = [0, 1].filter((c) => a.gic.irqPending(c)).map((c) => [c, true]);
  assert.ok(expectedEdges.length > 0, "the busy state signals at least one CPU");
  assert.deepEqual(b.edges, expectedEdges, "restore announces every CPU now pending");
  assert.deepEqual(gicDump(b), gicDump(a));
  assert.deepEqual(b.gic.saveState(), saved, "save after restore gives the same state");
  assert.equal(b.gic.describe(), a.gic.describe());

  a.edges.length = 0;
  b.edges.length = 0;
  const ra = gicScript(a);
  const rb = gicScript(b);
  assert.deepEqual(rb, ra);
  assert.ok(a.edges.length > 4, "the script makes interrupt edges");
  assert.deepEqual(b.edges, a.edges, "same onCpuIrqChange calls");
});

test("gicv2: restoring into a used instance only announces CPUs whose output changes; resync() announces all", () => {
  const a = busyGic();
  const saved = viaJson(a.gic.saveState());
  const b = busyGic(); // same state: nothing to announce
  b.edges.length = 0;
  b.gic.restoreState(saved);
  assert.deepEqual(b.edges, []);
  const quiet = viaJson(makeGic(2).gic.saveState());
  b.gic.restoreState(quiet);
  assert.deepEqual(b.edges, [0, 1].filter((c) => a.gic.irqPending(c)).map((c) => [c, false]));
  b.edges.length = 0;
  b.gic.restoreState(saved);
  b.edges.length = 0;
  b.gic.resync();
  assert.deepEqual(b.edges, [[0, a.gic.irqPending(0)], [1, a.gic.irqPending(1)]]);
});

test("gicv2: uniprocessor state round trips", () => {
  const a = makeGic(1);
  a.d.write(GICD_CTLR, 4, 1);
  a.cc.write(GICC_PMR, 4, 0xf0);
  a.cc.write(GICC_CTLR, 4, 1);
  a.d.write(GICD_ISENABLER + 4, 4, 1 << (IRQ.uart - 32));
  a.gic.setLevel(IRQ.uart, true);
  const b = makeGic(1);
  b.gic.restoreState(viaJson(a.gic.saveState()));
  assert.deepEqual(b.edges, [[0, true]]);
  assert.deepEqual(gicDump(b), gicDump(a));
  assert.equal(b.cc.read(GICC_IAR, 4), a.cc.read(GICC_IAR, 4));
});

test("gicv2: corrupt states throw SnapshotStateError and leave the GIC untouched", () => {
  const good = busyGic().gic.saveState();
  const b = makeGic(2);
  const before = b.gic.saveState();
  const bad = (s: GicV2State, field: string) => assertSnapshotError(() => b.gic.restoreState(s), "gicv2", field);
  bad(tamper(good, ["ctlr"]), "ctlr");
  bad(tamper(good, ["spi"]), "spi");
  bad(tamper(good, ["spi", "priority"], good.spi.priority.slice(1)), "spi.priority");
  bad(tamper(good, ["spi", "target", 3], 4), "spi.target[3]");
  bad(tamper(good, ["cpus", 1, "pmr"]), "cpus[1].pmr");
  bad(tamper(good, ["cpus", 0, "apr"], "x"), "cpus[0].apr");
  bad(tamper(good, ["cpus", 0, "bpr"], 1), "cpus[0].bpr");
  bad(tamper(good, ["cpus", 1, "enabled"], 0), "cpus[1].enabled");
  bad(tamper(good, ["cpus", 1, "sgiSources", 9], 0), "cpus[1].latched");
  bad(tamper(good, ["cpus"], [good.cpus[0]]), "cpus");
  bad(tamper(good, ["cpuCount"], 3), "cpuCount");
  bad(tamper(good, ["cpus", 0, "irq"], !good.cpus[0]!.irq), "cpus[0].irq");
  bad(tamper(good, ["cpus", 1, "highestPending"], 1022), "cpus[1].highestPending");
  bad("state" as unknown as GicV2State, "");
  assert.deepEqual(b.gic.saveState(), before);
  assert.deepEqual(b.edges, []);
});

// ---------------------------------------------------------------- generic timer

const [CNTP_TVAL, CNTP_CTL, CNTP_CVAL, CNTV_TVAL, CNTV_CTL, CNTV_CVAL] = TIMER_REGISTERS as [
  (typeof TIMER_REGISTERS)[number], (typeof TIMER_REGISTERS)[number], (typeof TIMER_REGISTERS)[number],
  (typeof TIMER_REGISTERS)[number], (typeof TIMER_REGISTERS)[number], (typeof TIMER_REGISTERS)[number],
];

function makeTimer(clock: { now: bigint }) {
  const lines: [number, boolean, number][] = [];
  const timer = new GenericTimer(1, (intid, level, cpu) => lines.push([intid, level, cpu]), () => clock.now);
  return { timer, lines };
}

const timerRegs = (t: GenericTimer) => TIMER_REGISTERS.map((enc) => t.read(enc));

test("generic timer: armed and fired timers survive save/restore", () => {
  const clock = { now: 1_000_000n };
  const a = makeTimer(clock);
  a.timer.write(CNTV_CVAL, 1_000_500n);
  a.timer.write(CNTV_CTL, 1n);
  a.timer.write(CNTP_TVAL, 0xffff_fff0n); // -16: already expired
  a.timer.write(CNTP_CTL, 1n);
  assert.deepEqual(a.lines, [[IRQ.timerPhys, true, 1]]);
  const saved = viaJson(a.timer.saveState());
  assert.equal(saved.virtual.cval, "1000500");
  const b = makeTimer(clock);
  b.timer.restoreState(saved);
  assert.deepEqual(b.lines, [[IRQ.timerPhys, true, 1]], "the raised line is driven again");
  assert.deepEqual(b.timer.saveState(), saved);
  assert.deepEqual(timerRegs(b.timer), timerRegs(a.timer));
  assert.equal(b.timer.nextDeadline(), a.timer.nextDeadline());

  a.lines.length = 0;
  b.lines.length = 0;
  const script = (x: ReturnType<typeof makeTimer>) => {
    const r: unknown[] = [];
    for (const dt of [100n, 400n, 1n]) {
      clock.now += dt;
      x.timer.update();
      r.push(timerRegs(x.timer), x.timer.nextDeadline());
    }
    x.timer.write(CNTP_CTL, 3n); // masked
    x.timer.write(CNTV_TVAL, 1000n);
    r.push(timerRegs(x.timer), x.timer.nextDeadline(), x.timer.describe());
    clock.now -= 501n;
    return r;
  };
  assert.deepEqual(script(b), script(a));
  assert.deepEqual(b.lines, a.lines);
  assert.ok(a.lines.length >= 2);
  void CNTP_CVAL;
});

test("generic timer: corrupt states throw SnapshotStateError naming the field", () => {
  const clock = { now: 0n };
  const { timer, lines } = makeTimer(clock);
  timer.write(CNTV_CTL, 1n);
  const good = timer.saveState();
  const t = makeTimer(clock);
  const before = t.timer.saveState();
  const dev = "generic-timer cpu1";
  assertSnapshotError(() => t.timer.restoreState(tamper(good, ["virtual"])), dev, "virtual");
  assertSnapshotError(() => t.timer.restoreState(tamper(good, ["virtual", "cval"], 5)), dev, "virtual.cval");
  assertSnapshotError(() => t.timer.restoreState(tamper(good, ["physical", "cval"], (1n << 64n).toString())), dev, "physical.cval");
  assertSnapshotError(() => t.timer.restoreState(tamper(good, ["physical", "ctl"], 4)), dev, "physical.ctl");
  assertSnapshotError(() => t.timer.restoreState(tamper(good, ["virtual", "level"], 1)), dev, "virtual.level");
  assertSnapshotError(() => t.timer.restoreState(undefined as unknown as GenericTimerState), dev, "");
  assert.deepEqual(t.timer.saveState(), before);
  assert.deepEqual(t.lines, []);
  void lines;
});

// ---------------------------------------------------------------- register block, ECAM, stateless windows

test("register block: contents survive save/restore; a wrong size is rejected", () => {
  const a = new RegisterBlock("vault", 0x5641554c, 0x40, Buffer.from("secret"));
  a.write(0x20, 4, 0xdeadbeef);
  a.write(0x31, 1, 0x7f);
  a.write(0x3e, 2, 0x1234);
  const b = new RegisterBlock("vault", 0x5641554c, 0x40);
  b.restoreState(viaJson(a.saveState()));
  const dump = (x: RegisterBlock) => Array.from({ length: 0x40 / 4 }, (_, i) => x.read(i * 4, 4));
  assert.deepEqual(dump(b), dump(a));
  assert.equal(b.read(0x31, 1), 0x7f);

  const small = new RegisterBlock("vault", 1, 0x20);
  assertSnapshotError(() => small.restoreState(a.saveState()), "register-block vault", "bytes");
  assertSnapshotError(() => small.restoreState({} as RegisterBlockState), "register-block vault", "bytes");
  assertSnapshotError(() => small.restoreState({ bytes: "not base64!" }), "register-block vault", "bytes");
});

test("pcie ecam: the host bridge's writable bits survive save/restore", () => {
  const a = new PcieEcamEmpty();
  a.write(0x04, 2, 0xffff);
  a.write(0x0c, 1, 0x10);
  a.write(0x3c, 1, 0x2a);
  const b = new PcieEcamEmpty();
  b.restoreState(viaJson(a.saveState()));
  const dump = (x: PcieEcamEmpty) => Array.from({ length: 0x100 / 4 }, (_, i) => x.read(i * 4, 4));
  assert.deepEqual(dump(b), dump(a));
  assert.equal(b.read(0x04, 2), 0x0507);

  const good = a.saveState();
  assertSnapshotError(() => b.restoreState(tamper(good, ["interruptLine"])), "pcie-ecam", "interruptLine");
  assertSnapshotError(() => b.restoreState(tamper(good, ["command"], 0x8000)), "pcie-ecam", "command");
  assertSnapshotError(() => b.restoreState(tamper(good, ["cacheLineSize"], 256)), "pcie-ecam", "cacheLineSize");
  assert.deepEqual(b.saveState(), good as PcieEcamEmptyState);
});

test("stateless windows: gicv2m and virtio-mmio save nothing and check the shape", () => {
  const pulses: number[] = [];
  const v2m = new GicV2mFrame((id) => pulses.push(id));
  const virtio = new VirtioMmioEmpty();
  assert.deepEqual(viaJson(v2m.saveState()), {});
  assert.deepEqual(viaJson(virtio.saveState()), {});
  v2m.restoreState(viaJson(v2m.saveState()));
  virtio.restoreState(viaJson(virtio.saveState()));
  assert.equal(v2m.read(0x008, 4), ((48 + 32) << 16) | 64);
  assertSnapshotError(() => v2m.restoreState(null as never), "gicv2m", "");
  assertSnapshotError(() => virtio.restoreState(3 as never), "virtio-mmio", "");
  assert.deepEqual(pulses, []);
});
