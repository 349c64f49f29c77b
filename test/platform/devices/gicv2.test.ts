import { test } from "node:test";
import assert from "node:assert/strict";
import { GicV2, GIC_SPURIOUS } from "../../../emulator/platform/gicv2";
import { IRQ } from "../../../emulator/platform/virt-map";

// Distributor / CPU interface offsets used by a guest.
const GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008, GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180;
const GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300, GICD_IPRIORITYR = 0x400;
const GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00, GICD_SGIR = 0xf00, GICD_PIDR2 = 0xfe8;
const GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_IAR = 0x0c, GICC_EOIR = 0x10, GICC_RPR = 0x14, GICC_HPPIR = 0x18;
const GICC_IIDR = 0xfc, GICC_DIR = 0x1000;

function makeGic(cpus = 1) {
  let cpu = 0;
  const edges: [number, boolean][] = [];
  const gic = new GicV2(cpus, () => cpu, (c, p) => edges.push([c, p]));
  const d = gic.distributor, cc = gic.cpuInterface;
  const on = (c: number) => { cpu = c; };
  /** Enable the distributor and every CPU interface with PMR = 0xf0 (as Linux does). */
  const init = () => {
    d.write(GICD_CTLR, 4, 1);
    for (let c = 0; c < cpus; c++) { on(c); cc.write(GICC_PMR, 4, 0xf0); cc.write(GICC_CTLR, 4, 1); }
    on(0);
  };
  const enable = (id: number, prio = 0xa0, targets = 1) => {
    d.write(GICD_ISENABLER + 4 * (id >> 5), 4, 1 << (id & 31));
    d.write(GICD_IPRIORITYR + id, 1, prio);
    if (id >= 32) d.write(GICD_ITARGETSR + id, 1, targets);
  };
  return { gic, d, cc, edges, on, init, enable };
}

test("identification: TYPER, IIDRs, PIDR2", () => {
  const { d, cc } = makeGic(2);
  assert.equal(d.read(GICD_TYPER, 4), 8 | (1 << 5));
  assert.equal(d.read(GICD_IIDR, 4), 0x43b);
  assert.equal(cc.read(GICC_IIDR, 4), 0x0002043b);
  assert.equal(d.read(GICD_PIDR2, 4), 0x2b);
  assert.equal(d.registerName!(0x104), "GICD_ISENABLER1");
});

test("a level SPI enabled and targeted reaches the CPU; IAR activates it; EOIR clears", () => {
  const { gic, d, cc, edges, init, enable } = makeGic();
  init();
  enable(IRQ.uart);
  assert.deepEqual(edges, []);
  gic.setLevel(IRQ.uart, true);
  assert.deepEqual(edges, [[0, true]]);
  assert.equal(cc.read(GICC_HPPIR, 4), IRQ.uart);
  assert.equal(cc.read(GICC_IAR, 4), IRQ.uart);
  assert.deepEqual(edges, [[0, true], [0, false]], "active: no longer signalled");
  assert.equal(d.read(GICD_ISACTIVER + 4, 4), 1 << (IRQ.uart - 32));
  assert.equal(cc.read(GICC_RPR, 4), 0xa0);
  gic.setLevel(IRQ.uart, false);
  cc.write(GICC_EOIR, 4, IRQ.uart);
  assert.equal(d.read(GICD_ISACTIVER + 4, 4), 0);
  assert.equal(cc.read(GICC_RPR, 4), 0xff);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS);
  assert.deepEqual(edges, [[0, true], [0, false]]);
});

test("a level interrupt still asserted re-pends after EOI", () => {
  const { gic, cc, edges, init, enable } = makeGic();
  init();
  enable(IRQ.rtc);
  gic.setLevel(IRQ.rtc, true);
  assert.equal(cc.read(GICC_IAR, 4), IRQ.rtc);
  cc.write(GICC_EOIR, 4, IRQ.rtc);
  assert.deepEqual(edges, [[0, true], [0, false], [0, true]]);
  assert.equal(cc.read(GICC_IAR, 4), IRQ.rtc);
});

test("ICPENDR cannot clear a level interrupt whose line is high; edge ones latch", () => {
  const { gic, d, cc, init, enable } = makeGic();
  init();
  enable(IRQ.rtc);
  gic.setLevel(IRQ.rtc, true);
  d.write(GICD_ICPENDR + 4, 4, 1 << (IRQ.rtc - 32));
  assert.equal(gic.highestPending(0), IRQ.rtc);
  gic.setLevel(IRQ.rtc, false);
  assert.equal(gic.highestPending(0), GIC_SPURIOUS);

  const id = IRQ.virtioMmioFirst;
  enable(id);
  d.write(GICD_ICFGR + (id >> 4) * 4, 4, 2 << ((id & 15) * 2));
  gic.setLevel(id, true);
  gic.setLevel(id, false);
  assert.equal(gic.highestPending(0), id, "edge latched after the line dropped");
  assert.equal(cc.read(GICC_IAR, 4), id);
  cc.write(GICC_EOIR, 4, id);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS);
});

test("priority: PMR masks, the highest priority wins, lower ID breaks ties", () => {
  const { gic, cc, init, enable } = makeGic();
  init();
  enable(40, 0xf0);
  gic.setLevel(40, true);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS, "priority 0xf0 is not below PMR 0xf0");
  assert.equal(gic.irqPending(0), false);
  cc.write(GICC_PMR, 4, 0xf8);
  assert.equal(gic.irqPending(0), true);
  enable(41, 0x80);
  enable(42, 0x80);
  gic.setLevel(42, true);
  gic.setLevel(41, true);
  assert.equal(cc.read(GICC_IAR, 4), 41);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS, "42 has the same group priority: no preemption");
  cc.write(GICC_EOIR, 4, 41);
  gic.setLevel(41, false);
  assert.equal(cc.read(GICC_IAR, 4), 42);
});

test("a higher-priority interrupt preempts an active one", () => {
  const { gic, cc, edges, init, enable } = makeGic();
  init();
  enable(50, 0xa0);
  enable(51, 0x20);
  gic.setLevel(50, true);
  assert.equal(cc.read(GICC_IAR, 4), 50);
  gic.setLevel(51, true);
  assert.deepEqual(edges.at(-1), [0, true]);
  assert.equal(cc.read(GICC_IAR, 4), 51);
  assert.equal(cc.read(GICC_RPR, 4), 0x20);
  cc.write(GICC_EOIR, 4, 51);
  assert.equal(cc.read(GICC_RPR, 4), 0xa0);
});

test("distributor or CPU interface disable blocks delivery", () => {
  const { gic, d, cc, edges, init, enable } = makeGic();
  init();
  enable(IRQ.uart);
  d.write(GICD_CTLR, 4, 0);
  gic.setLevel(IRQ.uart, true);
  assert.deepEqual(edges, []);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS);
  d.write(GICD_CTLR, 4, 1);
  assert.deepEqual(edges, [[0, true]]);
  cc.write(GICC_CTLR, 4, 0);
  assert.deepEqual(edges, [[0, true], [0, false]]);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS);
  d.write(GICD_ICENABLER + 4, 4, 1 << (IRQ.uart - 32));
  cc.write(GICC_CTLR, 4, 1);
  assert.deepEqual(edges, [[0, true], [0, false]], "disabled interrupt: nothing");
});

test("SPI targeting: only the CPUs in ITARGETSR see it", () => {
  const { gic, d, cc, edges, on, init, enable } = makeGic(2);
  init();
  enable(IRQ.uart, 0xa0, 0b10);
  gic.setLevel(IRQ.uart, true);
  assert.deepEqual(edges, [[1, true]]);
  on(0);
  assert.equal(cc.read(GICC_IAR, 4), GIC_SPURIOUS);
  on(1);
  assert.equal(cc.read(GICC_IAR, 4), IRQ.uart);
  on(0);
  assert.equal(d.read(GICD_ITARGETSR, 4), 0x01010101, "private targets read as own CPU");
  on(1);
  assert.equal(d.read(GICD_ITARGETSR, 4), 0x02020202);
});

test("uniprocessor: ITARGETSR is RAZ/WI and SPIs reach CPU 0", () => {
  const { gic, d, edges, init, enable } = makeGic(1);
  init();
  enable(IRQ.uart, 0xa0, 0);
  assert.equal(d.read(GICD_ITARGETSR + IRQ.uart, 1), 0);
  gic.setLevel(IRQ.uart, true);
  assert.deepEqual(edges, [[0, true]]);
});

test("PPIs are banked per CPU", () => {
  const { gic, d, cc, edges, on, init } = makeGic(2);
  init();
  on(1);
  d.write(GICD_ISENABLER, 4, 1 << IRQ.timerVirt);
  d.write(GICD_IPRIORITYR + IRQ.timerVirt, 1, 0xa0);
  on(0);
  assert.equal(d.read(GICD_ISENABLER, 4), 0xffff, "CPU 0 sees only its SGIs enabled");
  gic.setLevel(IRQ.timerVirt, true, 0);
  assert.deepEqual(edges, [], "CPU 0's PPI is disabled");
  gic.setLevel(IRQ.timerVirt, true, 1);
  assert.deepEqual(edges, [[1, true]]);
  on(1);
  assert.equal(cc.read(GICC_IAR, 4), IRQ.timerVirt);
  assert.throws(() => gic.setLevel(IRQ.timerVirt, true));
  assert.throws(() => gic.setLevel(3, true));
});

test("SGIs: target list, all-but-self and self, with the source CPU in IAR", () => {
  const { d, cc, edges, on, init } = makeGic(3);
  init();
  for (let c = 0; c < 3; c++) { on(c); for (let r = 0; r < 16; r += 4) d.write(GICD_IPRIORITYR + r, 4, 0xa0a0a0a0); }
  on(0);
  d.write(GICD_SGIR, 4, (0b100 << 16) | 5); // list: CPU 2
  assert.deepEqual(edges, [[2, true]]);
  on(2);
  assert.equal(cc.read(GICC_IAR, 4), 5 | (0 << 10));
  cc.write(GICC_EOIR, 4, 5);
  edges.length = 0;
  on(1);
  d.write(GICD_SGIR, 4, (1 << 24) | 3); // all but self (1)
  assert.deepEqual(edges, [[0, true], [2, true]]);
  on(2);
  assert.equal(cc.read(GICC_IAR, 4), 3 | (1 << 10));
  edges.length = 0;
  on(0);
  d.write(GICD_SGIR, 4, (2 << 24) | 7); // self
  d.write(GICD_SGIR, 4, (2 << 24) | 3);
  assert.equal(cc.read(GICC_IAR, 4), 3 | (0 << 10), "SGI 3 beats 7 (lower ID); lowest source CPU first");
  cc.write(GICC_EOIR, 4, 3);
  assert.equal(cc.read(GICC_IAR, 4), 3 | (1 << 10), "then SGI 3 from CPU 1");
  cc.write(GICC_EOIR, 4, 3 | (1 << 10));
  assert.equal(cc.read(GICC_IAR, 4), 7);
  assert.equal(d.read(GICD_ICFGR, 4), 0xaaaaaaaa, "SGIs are edge-triggered");
  d.write(GICD_ICFGR, 4, 0);
  assert.equal(d.read(GICD_ICFGR, 4), 0xaaaaaaaa, "and read-only");
});

test("onCpuIrqChange fires only on edges", () => {
  const { gic, d, edges, init, enable } = makeGic();
  init();
  enable(40);
  enable(41);
  gic.setLevel(40, true);
  gic.setLevel(41, true);
  gic.setLevel(40, true);
  d.write(GICD_ISPENDR + 4, 4, 1 << 9);
  assert.deepEqual(edges, [[0, true]]);
  gic.setLevel(40, false);
  gic.setLevel(41, false);
  assert.deepEqual(edges, [[0, true]], "41 is still latched pending");
  d.write(GICD_ICPENDR + 4, 4, 1 << 9);
  assert.deepEqual(edges, [[0, true], [0, false]]);
});

test("EOImode splits priority drop from deactivation (GICC_DIR)", () => {
  const { gic, d, cc, init, enable } = makeGic();
  init();
  cc.write(GICC_CTLR, 4, 1 | (1 << 9));
  enable(40);
  gic.setLevel(40, true);
  assert.equal(cc.read(GICC_IAR, 4), 40);
  gic.setLevel(40, false);
  cc.write(GICC_EOIR, 4, 40);
  assert.equal(cc.read(GICC_RPR, 4), 0xff);
  assert.equal(d.read(GICD_ISACTIVER + 4, 4), 1 << 8, "still active");
  cc.write(GICC_DIR, 4, 40);
  assert.equal(d.read(GICD_ISACTIVER + 4, 4), 0);
});

test("describe summarises state", () => {
  const { gic, init, enable } = makeGic();
  init();
  enable(40);
  gic.setLevel(40, true);
  assert.match(gic.describe(), /cpu0 .*hppi=40 irq=1 pending=\[40\]/);
});
