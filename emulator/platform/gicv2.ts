// ARM Generic Interrupt Controller v2 (IHI0048B) as QEMU's `virt` board presents it to a
// non-secure guest (hw/intc/arm_gic.c, revision 2, no Security Extensions): a distributor at
// VIRT.gicDist and a CPU interface at VIRT.gicCpu, banked by the CPU performing the access.
//
// Model (learned from QEMU, IDs as QEMU reports them):
// - 288 interrupts (virt's 256 SPIs + 32 private): GICD_TYPER.ITLinesNumber = 8.
// - GICD_IIDR = 0x0000043B and GICC_IIDR = 0x0002043B (Arm JEP106 code, architecture v2).
// - Interrupt groups are stored (GICD_IGROUPR) and gated by GICD_CTLR/GICC_CTLR bits 0 (group 0)
//   and 1 (group 1); every interrupt is signalled as IRQ (FIQEn is stored, not acted on) and
//   GICC_IAR acknowledges both groups. GICC_AIAR/AEOIR/AHPPIR are minimal (spurious / ignored).
// - A level-sensitive interrupt is pending while its line is high or while software latched it
//   (GICD_ISPENDR); it is not offered again while active, so after EOI it re-pends if still high.
//   Edge-triggered ones latch on a rising edge. SGIs are always enabled and edge-triggered and
//   are pending per source CPU (acknowledging takes the lowest-numbered source first).
// - With one CPU, GICD_ITARGETSR is RAZ/WI and every SPI targets CPU 0 (as QEMU).
// - Priorities are 8 bits; preemption uses the group priority from GICC_BPR (minimum 2);
//   active priorities are kept in a 256-bit per-CPU bitmap, as in GICC_APR.
// - GICC_CTLR bit 9 (EOImode) splits priority drop (GICC_EOIR) from deactivation (GICC_DIR).

import type { AccessSize, MmioDevice } from "./mmio";
import { SPI_BASE } from "./virt-map";
import { SnapshotStateError, StateReader } from "../hypervisor/snapshot-errors";
import type { GicV2CpuState, GicV2SpiState, GicV2State } from './gicv2-state';

export const GIC_NUM_IRQS = 288;
export const GIC_SPURIOUS = 1023;
export const GICD_IIDR_VALUE = 0x0000_043b;
export const GICC_IIDR_VALUE = 0x0002_043b;

const SGI_COUNT = 16;
const WORDS = GIC_NUM_IRQS / 32;
const MIN_BPR = 2;
const MIN_ABPR = 3;
const IDLE_PRIORITY = 0x100;
const GICC_CTLR_EOIMODE = 1 << 9;

// Distributor offsets.
const GICD_CTLR = 0x000;
const GICD_TYPER = 0x004;
const GICD_IIDR = 0x008;
const GICD_IGROUPR = 0x080;
const GICD_IPRIORITYR = 0x400;
const GICD_ITARGETSR = 0x800;
const GICD_ICFGR = 0xc00;
const GICD_SGIR = 0xf00;
const GICD_CPENDSGIR = 0xf10;
const GICD_SPENDSGIR = 0xf20;
const GICD_ID_BASE = 0xfd0;
/** PIDR4-7, PIDR0-3, CIDR0-3 at 0xFD0..0xFFC (QEMU's gic_id_gicv2). */
const GICD_ID_BYTES: readonly number[] = [0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0, 0x0d, 0xf0, 0x05, 0xb1];

// Bitmap register groups in 0x080..0x3FF, indexed by offset >> 7.
const BM_GROUP = 1, BM_SETEN = 2, BM_CLREN = 3, BM_SETPEND = 4, BM_CLRPEND = 5, BM_SETACT = 6, BM_CLRACT = 7;

// CPU interface offsets.
const GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10;
const GICC_RPR = 0x14, GICC_HPPIR = 0x18, GICC_ABPR = 0x1c, GICC_AIAR = 0x20, GICC_AHPPIR = 0x28;
const GICC_IIDR = 0xfc, GICC_DIR = 0x1000;

const GICD_NAMES: readonly (readonly [number, number, string])[] = [
  [0x000, 0x004, "GICD_CTLR"], [0x004, 0x008, "GICD_TYPER"], [0x008, 0x00c, "GICD_IIDR"],
  [0x080, 0x100, "GICD_IGROUPR"], [0x100, 0x180, "GICD_ISENABLER"], [0x180, 0x200, "GICD_ICENABLER"],
  [0x200, 0x280, "GICD_ISPENDR"], [0x280, 0x300, "GICD_ICPENDR"], [0x300, 0x380, "GICD_ISACTIVER"],
  [0x380, 0x400, "GICD_ICACTIVER"], [0x400, 0x800, "GICD_IPRIORITYR"], [0x800, 0xc00, "GICD_ITARGETSR"],
  [0xc00, 0xd00, "GICD_ICFGR"], [0xf00, 0xf04, "GICD_SGIR"], [0xf10, 0xf20, "GICD_CPENDSGIR"],
  [0xf20, 0xf30, "GICD_SPENDSGIR"], [0xfd0, 0x1000, "GICD_ID"],
];
const GICC_NAMES: Readonly<Record<number, string>> = {
  [GICC_CTLR]: "GICC_CTLR", [GICC_PMR]: "GICC_PMR", [GICC_BPR]: "GICC_BPR", [GICC_IAR]: "GICC_IAR",
  [GICC_EOIR]: "GICC_EOIR", [GICC_RPR]: "GICC_RPR", [GICC_HPPIR]: "GICC_HPPIR", [GICC_ABPR]: "GICC_ABPR",
  [GICC_AIAR]: "GICC_AIAR", 0x24: "GICC_AEOIR", [GICC_AHPPIR]: "GICC_AHPPIR", 0xd0: "GICC_APR0",
  0xe0: "GICC_NSAPR0", [GICC_IIDR]: "GICC_IIDR", [GICC_DIR]: "GICC_DIR",
};

export type { GicV2CpuState, GicV2SpiState, GicV2State } from './gicv2-state';

/** One bit per interrupt; word 0 (SGIs and PPIs) is banked per CPU. */
class BankedBits {
  private readonly shared = new Uint32Array(WORDS);
  private readonly priv: Uint32Array;
  constructor(cpus: number) { this.priv = new Uint32Array(cpus); }
  word(cpu: number, w: number): number { return w === 0 ? this.priv[cpu]! : this.shared[w]!; }
  setWord(cpu: number, w: number, v: number): void {
    if (w === 0) this.priv[cpu] = v; else this.shared[w] = v;
  }
  test(cpu: number, id: number): boolean { return ((this.word(cpu, id >> 5) >>> (id & 31)) & 1) !== 0; }
  set(cpu: number, id: number): void { this.setWord(cpu, id >> 5, this.word(cpu, id >> 5) | (1 << (id & 31))); }
  clear(cpu: number, id: number): void { this.setWord(cpu, id >> 5, this.word(cpu, id >> 5) & ~(1 << (id & 31))); }
}

export class GicV2 {
  readonly distributor: MmioDevice;
  readonly cpuInterface: MmioDevice;

  private readonly enabled: BankedBits;
  private readonly latched: BankedBits;
  private readonly active: BankedBits;
  private readonly level: BankedBits;
  private readonly edge: BankedBits;
  private readonly group: BankedBits;
  private readonly sharedPrio = new Uint8Array(GIC_NUM_IRQS);
  private readonly privPrio: Uint8Array;
  private readonly target = new Uint8Array(GIC_NUM_IRQS);
  private readonly targetBits: Uint32Array;
  /** Pending SGI sources, [cpu * 16 + sgi] = bitmask of source CPUs. */
  private readonly sgiSources: Uint8Array;
  private dctlr = 0;
  private readonly cctlr: Uint32Array;
  private readonly pmr: Uint8Array;
  private readonly bpr: Uint8Array;
  private readonly abpr: Uint8Array;
  /** Active group priorities per CPU: 256 bits each. */
  private readonly apr: Uint32Array;
  private readonly best: Uint16Array;
  private readonly signalled: Uint8Array;
  private readonly allCpus: number;

  constructor(
    readonly cpuCount: number,
    private readonly currentCpu: () => number,
    private readonly onCpuIrqChange: (cpu: number, pending: boolean) => void,
  ) {
    if (cpuCount < 1 || cpuCount > 8) throw new RangeError(`GICv2 supports 1..8 CPUs, not ${cpuCount}`);
    const n = cpuCount;
    this.allCpus = (1 << n) - 1;
    this.enabled = new BankedBits(n);
    this.latched = new BankedBits(n);
    this.active = new BankedBits(n);
    this.level = new BankedBits(n);
    this.edge = new BankedBits(n);
    this.group = new BankedBits(n);
    this.privPrio = new Uint8Array(n * SPI_BASE);
    this.targetBits = new Uint32Array(n * WORDS);
    this.sgiSources = new Uint8Array(n * SGI_COUNT);
    this.cctlr = new Uint32Array(n);
    this.pmr = new Uint8Array(n);
    this.bpr = new Uint8Array(n).fill(MIN_BPR);
    this.abpr = new Uint8Array(n).fill(MIN_ABPR);
    this.apr = new Uint32Array(n * 8);
    this.best = new Uint16Array(n).fill(GIC_SPURIOUS);
    this.signalled = new Uint8Array(n);
    for (let c = 0; c < n; c++) {
      this.enabled.setWord(c, 0, 0xffff); // SGIs: always enabled
      this.edge.setWord(c, 0, 0xffff); // SGIs: always edge-triggered
    }
    if (n === 1) for (let id = SPI_BASE; id < GIC_NUM_IRQS; id++) this.setTarget(id, 1);

    this.distributor = {
      name: "gicd",
      read: (offset, size) => this.distRead(offset, size),
      write: (offset, size, value) => this.distWrite(offset, size, value),
      registerName: (offset) => {
        for (const [lo, hi, name] of GICD_NAMES) {
          if (offset >= lo && offset < hi) return hi - lo > 4 ? `${name}${Math.floor((offset - lo) / 4)}` : name;
        }
        return undefined;
      },
    };
    this.cpuInterface = {
      name: "gicc",
      read: (offset, size) => lane(this.cpuRead(offset & ~3), offset, size),
      write: (offset, _size, value) => this.cpuWrite(offset & ~3, value >>> 0),
      registerName: (offset) => GICC_NAMES[offset & ~3],
    };
  }

  /** Drive an interrupt line: SPIs (32..287) or, with `cpu`, a PPI (16..31) of that CPU. */
  setLevel(intid: number, level: boolean, cpu?: number): void {
    if (intid < SGI_COUNT || intid >= GIC_NUM_IRQS) throw new RangeError(`setLevel: INTID ${intid} is not a PPI or SPI`);
    let c = 0;
    if (intid < SPI_BASE) {
      if (cpu === undefined || cpu < 0 || cpu >= this.cpuCount) throw new RangeError(`setLevel: PPI ${intid} needs a CPU`);
      c = cpu;
    }
    if (this.level.test(c, intid) === level) return;
    if (level) {
      this.level.set(c, intid);
      if (this.edge.test(c, intid)) this.latched.set(c, intid);
    } else {
      this.level.clear(c, intid);
    }
    this.update();
  }

  /** The interrupt GICC_HPPIR would report for `cpu` (1023 if none). */
  /**
   * Makes an SPI pending as a write of GICD_ISPENDR would: latched whatever the interrupt's
   * edge/level configuration, so a doorbell or message-signalled interrupt is never lost.
   */
  setPending(intid: number): void {
    if (intid < 32 || intid >= GIC_NUM_IRQS) throw new RangeError(`GICv2: setPending takes an SPI (32..${GIC_NUM_IRQS - 1}), not ${intid}`);
    this.distributor.write(0x200 + 4 * (intid >> 5), 4, (1 << (intid & 31)) >>> 0);
  }

  highestPending(cpu: number): number {
    return this.best[cpu]!;
  }

  /** Whether `cpu`'s IRQ input is asserted. */
  irqPending(cpu: number): boolean {
    return this.signalled[cpu] === 1;
  }

  // ---- snapshots ----

  /** The whole distributor and CPU-interface state for a snapshot. */
  saveState(): GicV2State {
    const spiWords = (b: BankedBits) => Array.from({ length: WORDS - 1 }, (_, i) => b.word(0, i + 1));
    const cpus: GicV2CpuState[] = [];
    for (let c = 0; c < this.cpuCount; c++) {
      cpus.push({
        enabled: this.enabled.word(c, 0), latched: this.latched.word(c, 0), active: this.active.word(c, 0),
        level: this.level.word(c, 0), edge: this.edge.word(c, 0), group: this.group.word(c, 0),
        priority: Array.from(this.privPrio.subarray(c * SPI_BASE, (c + 1) * SPI_BASE)),
        sgiSources: Array.from(this.sgiSources.subarray(c * SGI_COUNT, (c + 1) * SGI_COUNT)),
        ctlr: this.cctlr[c]!, pmr: this.pmr[c]!, bpr: this.bpr[c]!, abpr: this.abpr[c]!,
        apr: Array.from(this.apr.subarray(c * 8, c * 8 + 8)),
        highestPending: this.best[c]!, irq: this.signalled[c] === 1,
      });
    }
    return {
      cpuCount: this.cpuCount,
      ctlr: this.dctlr,
      spi: {
        enabled: spiWords(this.enabled), latched: spiWords(this.latched), active: spiWords(this.active),
        level: spiWords(this.level), edge: spiWords(this.edge), group: spiWords(this.group),
        priority: Array.from(this.sharedPrio.subarray(SPI_BASE)), target: Array.from(this.target.subarray(SPI_BASE)),
      },
      cpus,
    };
  }

  /**
   * Replace the whole state with a saved one. The state is checked first (shape, ranges, the
   * always-on SGI bits, and that the saved HPPIR/IRQ values follow from the rest); a bad one
   * throws a SnapshotStateError and leaves this GIC untouched.
   *
   * Output resync: after installing the state, each CPU's IRQ output is recomputed and
   * `onCpuIrqChange(cpu, pending)` is called for every CPU whose output differs from what this
   * instance last signalled — for a fresh instance, "nothing pending" — so a restored vCPU sees an
   * asserted IRQ at once and later edges (IAR, EOI, line changes) match the original's. Restoring
   * needs no separate call; `resync()` re-announces every CPU for a caller whose consumers were
   * rebuilt after the restore.
   */
  restoreState(state: GicV2State): void {
    const parsed = this.parseState(state);
    const probe = new GicV2(this.cpuCount, () => 0, () => {});
    probe.install(parsed);
    probe.update();
    for (let c = 0; c < this.cpuCount; c++) {
      const saved = parsed.cpus[c]!;
      if (probe.best[c] !== saved.highestPending) {
        throw new SnapshotStateError("gicv2", `cpus[${c}].highestPending`, `is ${saved.highestPending} but the saved state gives ${probe.best[c]}`);
      }
      if ((probe.signalled[c] === 1) !== saved.irq) {
        throw new SnapshotStateError("gicv2", `cpus[${c}].irq`, `is ${saved.irq} but the saved state gives ${probe.signalled[c] === 1}`);
      }
    }
    this.install(parsed);
    this.update();
  }

  /** Announce every CPU's current IRQ output through `onCpuIrqChange`, changed or not. */
  resync(): void {
    for (let c = 0; c < this.cpuCount; c++) this.onCpuIrqChange(c, this.signalled[c] === 1);
  }

  private parseState(state: GicV2State): GicV2State {
    const r = new StateReader("gicv2", state);
    const cpuCount = r.uint("cpuCount", 8, 1);
    if (cpuCount !== this.cpuCount) r.fail("cpuCount", `is ${cpuCount} but this GIC has ${this.cpuCount} CPUs`);
    const U32 = 0xffff_ffff, SPIS = GIC_NUM_IRQS - SPI_BASE;
    const sr = r.object("spi");
    const target = sr.uintArray("target", SPIS, this.allCpus);
    if (this.cpuCount === 1 && target.some((t) => t !== 1)) sr.fail("target", "must be all 1 with one CPU");
    const spi: GicV2SpiState = {
      enabled: sr.uintArray("enabled", WORDS - 1, U32), latched: sr.uintArray("latched", WORDS - 1, U32),
      active: sr.uintArray("active", WORDS - 1, U32), level: sr.uintArray("level", WORDS - 1, U32),
      edge: sr.uintArray("edge", WORDS - 1, U32), group: sr.uintArray("group", WORDS - 1, U32),
      priority: sr.uintArray("priority", SPIS, 0xff), target,
    };
    const cpus = r.objects("cpus", cpuCount).map((cr): GicV2CpuState => {
      const enabled = cr.uint("enabled", U32), edge = cr.uint("edge", U32), latched = cr.uint("latched", U32);
      if ((enabled & 0xffff) !== 0xffff) cr.fail("enabled", "must have the SGI bits 0..15 set (SGIs are always enabled)");
      if ((edge & 0xffff) !== 0xffff) cr.fail("edge", "must have the SGI bits 0..15 set (SGIs are edge-triggered)");
      const sgiSources = cr.uintArray("sgiSources", SGI_COUNT, this.allCpus);
      for (let i = 0; i < SGI_COUNT; i++) {
        if ((sgiSources[i] !== 0) !== (((latched >>> i) & 1) === 1)) {
          cr.fail("latched", `bit ${i} must be set exactly when SGI ${i} has pending sources`);
        }
      }
      return {
        enabled, latched, edge, active: cr.uint("active", U32), level: cr.uint("level", U32), group: cr.uint("group", U32),
        priority: cr.uintArray("priority", SPI_BASE, 0xff), sgiSources,
        ctlr: cr.uint("ctlr", 0x7ff), pmr: cr.uint("pmr", 0xff), bpr: cr.uint("bpr", 7, MIN_BPR), abpr: cr.uint("abpr", 7, MIN_ABPR),
        apr: cr.uintArray("apr", 8, U32), highestPending: cr.uint("highestPending", GIC_SPURIOUS), irq: cr.bool("irq"),
      };
    });
    return { cpuCount, ctlr: r.uint("ctlr", 3), spi, cpus };
  }

  /** Install a checked state; the derived best/signalled values are left to update(). */
  private install(s: GicV2State): void {
    this.dctlr = s.ctlr;
    const banks: [BankedBits, keyof GicV2SpiState & keyof GicV2CpuState][] = [
      [this.enabled, "enabled"], [this.latched, "latched"], [this.active, "active"],
      [this.level, "level"], [this.edge, "edge"], [this.group, "group"],
    ];
    for (const [bits, key] of banks) {
      const words = s.spi[key] as number[];
      for (let w = 1; w < WORDS; w++) bits.setWord(0, w, words[w - 1]!);
      for (let c = 0; c < this.cpuCount; c++) bits.setWord(c, 0, s.cpus[c]![key] as number);
    }
    this.sharedPrio.set(s.spi.priority, SPI_BASE);
    for (let id = SPI_BASE; id < GIC_NUM_IRQS; id++) this.setTarget(id, s.spi.target[id - SPI_BASE]!);
    for (let c = 0; c < this.cpuCount; c++) {
      const cs = s.cpus[c]!;
      this.privPrio.set(cs.priority, c * SPI_BASE);
      this.sgiSources.set(cs.sgiSources, c * SGI_COUNT);
      this.cctlr[c] = cs.ctlr;
      this.pmr[c] = cs.pmr;
      this.bpr[c] = cs.bpr;
      this.abpr[c] = cs.abpr;
      this.apr.set(cs.apr, c * 8);
    }
  }

  describe(): string {
    const parts = [`gicd ctlr=${this.dctlr}`];
    for (let c = 0; c < this.cpuCount; c++) {
      const pend: number[] = [];
      const act: number[] = [];
      for (let id = 0; id < GIC_NUM_IRQS; id++) {
        if (this.isPending(c, id)) pend.push(id);
        if (this.active.test(c, id)) act.push(id);
      }
      parts.push(`cpu${c} ctlr=${this.cctlr[c]} pmr=0x${this.pmr[c]!.toString(16)} rpr=0x${this.runningPriority(c).toString(16)} ` +
        `hppi=${this.best[c]} irq=${this.signalled[c]} pending=[${pend.join(",")}] active=[${act.join(",")}]`);
    }
    return parts.join("; ");
  }

  // ---- state helpers ----

  private prio(cpu: number, id: number): number {
    return id < SPI_BASE ? this.privPrio[cpu * SPI_BASE + id]! : this.sharedPrio[id]!;
  }

  private pendingWord(cpu: number, w: number): number {
    return this.latched.word(cpu, w) | (this.level.word(cpu, w) & ~this.edge.word(cpu, w));
  }

  private isPending(cpu: number, id: number): boolean {
    return ((this.pendingWord(cpu, id >> 5) >>> (id & 31)) & 1) !== 0;
  }

  private groupPrio(cpu: number, prio: number): number {
    return prio & (0xff << (this.bpr[cpu]! + 1)) & 0xff;
  }

  private runningPriority(cpu: number): number {
    for (let i = 0; i < 8; i++) {
      const w = this.apr[cpu * 8 + i]!;
      if (w !== 0) return i * 32 + lowestBit(w);
    }
    return IDLE_PRIORITY;
  }

  private setTarget(id: number, mask: number): void {
    this.target[id] = mask;
    const w = id >> 5, bit = 1 << (id & 31);
    for (let c = 0; c < this.cpuCount; c++) {
      const i = c * WORDS + w;
      this.targetBits[i] = mask & (1 << c) ? this.targetBits[i]! | bit : this.targetBits[i]! & ~bit;
    }
  }

  /** Recompute each CPU's best candidate and drive its IRQ line on change. */
  private update(): void {
    for (let c = 0; c < this.cpuCount; c++) {
      const en = this.dctlr & this.cctlr[c]! & 3;
      let best = GIC_SPURIOUS, bestPrio = IDLE_PRIORITY;
      if (en !== 0) {
        for (let w = 0; w < WORDS; w++) {
          let bits = this.pendingWord(c, w) & this.enabled.word(c, w) & ~this.active.word(c, w);
          if (w !== 0) bits &= this.targetBits[c * WORDS + w]!;
          const g = this.group.word(c, w);
          bits &= (en & 1 ? ~g : 0) | (en & 2 ? g : 0);
          while (bits !== 0) {
            const id = w * 32 + lowestBit(bits);
            bits &= bits - 1;
            const p = this.prio(c, id);
            if (p < bestPrio) { bestPrio = p; best = id; }
          }
        }
      }
      if (bestPrio >= this.pmr[c]!) best = GIC_SPURIOUS;
      this.best[c] = best;
      const irq = best !== GIC_SPURIOUS && this.groupPrio(c, bestPrio) < this.runningPriority(c) ? 1 : 0;
      if (irq !== this.signalled[c]) {
        this.signalled[c] = irq;
        this.onCpuIrqChange(c, irq === 1);
      }
    }
  }

  // ---- CPU interface ----

  private acknowledge(c: number): number {
    const id = this.best[c]!;
    if (this.signalled[c] !== 1 || id === GIC_SPURIOUS) return GIC_SPURIOUS;
    let result = id;
    if (id < SGI_COUNT) {
      const i = c * SGI_COUNT + id;
      const source = lowestBit(this.sgiSources[i]!);
      this.sgiSources[i]! &= ~(1 << source);
      if (this.sgiSources[i] === 0) this.latched.clear(c, id);
      result |= source << 10;
    } else {
      this.latched.clear(c, id);
    }
    this.active.set(c, id);
    const gp = this.groupPrio(c, this.prio(c, id));
    this.apr[c * 8 + (gp >> 5)]! |= 1 << (gp & 31);
    this.update();
    return result;
  }

  private endOfInterrupt(c: number, value: number): void {
    const id = value & 0x3ff;
    if (id >= GIC_NUM_IRQS) return;
    for (let i = 0; i < 8; i++) {
      const w = this.apr[c * 8 + i]!;
      if (w !== 0) { this.apr[c * 8 + i] = w & (w - 1); break; }
      if (i === 7) return; // nothing active: ignored
    }
    if (!(this.cctlr[c]! & GICC_CTLR_EOIMODE)) this.active.clear(c, id);
    this.update();
  }

  private cpuRead(reg: number): number {
    const c = this.currentCpu();
    switch (reg) {
      case GICC_CTLR: return this.cctlr[c]!;
      case GICC_PMR: return this.pmr[c]!;
      case GICC_BPR: return this.bpr[c]!;
      case GICC_IAR: return this.acknowledge(c);
      case GICC_RPR: return Math.min(this.runningPriority(c), 0xff);
      case GICC_HPPIR: {
        const id = this.best[c]!;
        return id < SGI_COUNT ? id | (lowestBit(this.sgiSources[c * SGI_COUNT + id]!) << 10) : id;
      }
      case GICC_ABPR: return this.abpr[c]!;
      case GICC_AIAR: case GICC_AHPPIR: return GIC_SPURIOUS;
      case GICC_IIDR: return GICC_IIDR_VALUE;
      default: return 0;
    }
  }

  private cpuWrite(reg: number, v: number): void {
    const c = this.currentCpu();
    switch (reg) {
      case GICC_CTLR: this.cctlr[c] = v & 0x7ff; break;
      case GICC_PMR: this.pmr[c] = v & 0xff; break;
      case GICC_BPR: this.bpr[c] = Math.max(v & 7, MIN_BPR); break;
      case GICC_ABPR: this.abpr[c] = Math.max(v & 7, MIN_ABPR); return;
      case GICC_EOIR: this.endOfInterrupt(c, v); return;
      case GICC_DIR:
        if (this.cctlr[c]! & GICC_CTLR_EOIMODE && (v & 0x3ff) < GIC_NUM_IRQS) this.active.clear(c, v & 0x3ff);
        break;
      default: return;
    }
    this.update();
  }

  // ---- distributor ----

  private distRead(offset: number, size: AccessSize): number {
    let v = 0;
    const n = size > 4 ? 4 : size;
    for (let i = 0; i < n; i++) v |= this.distReadByte(offset + i) << (8 * i);
    return v >>> 0;
  }

  private distWrite(offset: number, size: AccessSize, value: number): void {
    const c = this.currentCpu();
    if ((offset & ~3) === GICD_SGIR) this.softwareInterrupt(c, value >>> 0);
    else {
      const n = size > 4 ? 4 : size;
      for (let i = 0; i < n; i++) this.distWriteByte(c, offset + i, (value >>> (8 * i)) & 0xff);
    }
    this.update();
  }

  private distReadByte(off: number): number {
    const c = this.currentCpu();
    if (off < GICD_IGROUPR) {
      let reg = 0;
      if ((off & ~3) === GICD_CTLR) reg = this.dctlr;
      else if ((off & ~3) === GICD_TYPER) reg = (WORDS - 1) | ((this.cpuCount - 1) << 5);
      else if ((off & ~3) === GICD_IIDR) reg = GICD_IIDR_VALUE;
      return (reg >>> ((off & 3) * 8)) & 0xff;
    }
    if (off < GICD_IPRIORITYR) {
      const id = (off & 0x7f) * 8;
      if (id >= GIC_NUM_IRQS) return 0;
      const kind = off >> 7;
      const w = id >> 5;
      const word = kind === BM_GROUP ? this.group.word(c, w)
        : kind <= BM_CLREN ? this.enabled.word(c, w)
        : kind <= BM_CLRPEND ? this.pendingWord(c, w) : this.active.word(c, w);
      return (word >>> (id & 31)) & 0xff;
    }
    if (off < GICD_ITARGETSR) {
      const id = off - GICD_IPRIORITYR;
      return id < GIC_NUM_IRQS ? this.prio(c, id) : 0;
    }
    if (off < GICD_ICFGR) {
      const id = off - GICD_ITARGETSR;
      if (this.cpuCount === 1 || id >= GIC_NUM_IRQS) return 0;
      return id < SPI_BASE ? 1 << c : this.target[id]!;
    }
    if (off < GICD_SGIR) {
      const id = (off - GICD_ICFGR) * 4;
      if (id >= GIC_NUM_IRQS) return 0;
      let v = 0;
      for (let i = 0; i < 4; i++) if (this.edge.test(c, id + i)) v |= 2 << (2 * i);
      return v;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + SGI_COUNT) return this.sgiSources[c * SGI_COUNT + (off & 0xf)]!;
    if (off >= GICD_ID_BASE && off < 0x1000 && (off & 3) === 0) return GICD_ID_BYTES[(off - GICD_ID_BASE) >> 2]!;
    return 0;
  }

  private distWriteByte(c: number, off: number, v: number): void {
    if (off < GICD_IGROUPR) {
      if (off === GICD_CTLR) this.dctlr = v & 3;
      return;
    }
    if (off < GICD_IPRIORITYR) {
      const id = (off & 0x7f) * 8;
      if (id >= GIC_NUM_IRQS) return;
      const kind = off >> 7;
      const w = id >> 5;
      let mask = v << (id & 31);
      if (kind === BM_GROUP) {
        const keep = this.group.word(c, w) & ~(0xff << (id & 31));
        this.group.setWord(c, w, keep | mask);
        return;
      }
      if (id < SGI_COUNT && kind !== BM_SETACT && kind !== BM_CLRACT) mask = 0; // SGI enable/pending: WI here
      const bits = kind <= BM_CLREN ? this.enabled : kind <= BM_CLRPEND ? this.latched : this.active;
      const set = kind === BM_SETEN || kind === BM_SETPEND || kind === BM_SETACT;
      bits.setWord(c, w, set ? bits.word(c, w) | mask : bits.word(c, w) & ~mask);
      return;
    }
    if (off < GICD_ITARGETSR) {
      const id = off - GICD_IPRIORITYR;
      if (id < SPI_BASE) this.privPrio[c * SPI_BASE + id] = v;
      else if (id < GIC_NUM_IRQS) this.sharedPrio[id] = v;
      return;
    }
    if (off < GICD_ICFGR) {
      const id = off - GICD_ITARGETSR;
      if (this.cpuCount > 1 && id >= SPI_BASE && id < GIC_NUM_IRQS) this.setTarget(id, v & this.allCpus);
      return;
    }
    if (off < GICD_SGIR) {
      const id = (off - GICD_ICFGR) * 4;
      if (id < SGI_COUNT || id >= GIC_NUM_IRQS) return; // SGIs: edge, read-only
      for (let i = 0; i < 4; i++) {
        if (v & (2 << (2 * i))) this.edge.set(c, id + i); else this.edge.clear(c, id + i);
      }
      return;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + SGI_COUNT) {
      const sgi = off & 0xf, i = c * SGI_COUNT + sgi;
      this.sgiSources[i] = off < GICD_SPENDSGIR ? this.sgiSources[i]! & ~v : this.sgiSources[i]! | (v & this.allCpus);
      if (this.sgiSources[i] === 0) this.latched.clear(c, sgi); else this.latched.set(c, sgi);
    }
  }

  private softwareInterrupt(self: number, v: number): void {
    const sgi = v & 0xf;
    const filter = (v >>> 24) & 3;
    const targets = filter === 0 ? (v >>> 16) & 0xff : filter === 1 ? this.allCpus & ~(1 << self) : filter === 2 ? 1 << self : 0;
    for (let c = 0; c < this.cpuCount; c++) {
      if (!(targets & (1 << c))) continue;
      this.sgiSources[c * SGI_COUNT + sgi]! |= 1 << self;
      this.latched.set(c, sgi);
    }
  }
}

/** Extract the `size`-byte lane at `offset` from a 32-bit register value. */
function lane(value: number, offset: number, size: AccessSize): number {
  if (size >= 4) return value >>> 0;
  return (value >>> ((offset & 3) * 8)) & ((1 << (size * 8)) - 1);
}

/** Index of the lowest set bit of a non-zero 32-bit value. */
function lowestBit(v: number): number {
  return 31 - Math.clz32(v & -v);
}
