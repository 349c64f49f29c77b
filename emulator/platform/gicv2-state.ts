// The shape of a GICv2's saved state (GicV2.saveState / restoreState): JSON-safe data a snapshot
// carries. Kept apart from the model itself, which is long enough already.

/** Distributor state of the SPIs (INTIDs 32..287), shared by all CPUs. Bitmaps: 8 words, bit n of word w = INTID 32 + 32w + n. */
export interface GicV2SpiState {
  enabled: number[];
  /** Software or edge latched pending bits. */
  latched: number[];
  active: number[];
  /** Input line levels. */
  level: number[];
  /** 1 = edge-triggered (GICD_ICFGR). */
  edge: number[];
  group: number[];
  /** 256 priorities, INTID 32 first. */
  priority: number[];
  /** 256 GICD_ITARGETSR bytes (CPU masks), INTID 32 first. */
  target: number[];
}

/** One CPU's banked distributor state (SGIs and PPIs, INTIDs 0..31) and its CPU interface. */
export interface GicV2CpuState {
  /** Banked bitmaps of INTIDs 0..31, one word each (bit n = INTID n). */
  enabled: number;
  latched: number;
  active: number;
  level: number;
  edge: number;
  group: number;
  /** 32 priorities of INTIDs 0..31. */
  priority: number[];
  /** 16 pending-source masks, one per SGI (bit c = sent by CPU c). */
  sgiSources: number[];
  /** GICC_CTLR, GICC_PMR, GICC_BPR, GICC_ABPR. */
  ctlr: number;
  pmr: number;
  bpr: number;
  abpr: number;
  /** Active group priorities: 8 words, a 256-bit bitmap (running priority = lowest set bit). */
  apr: number[];
  /** Derived, saved as a check: the interrupt GICC_HPPIR reports (1023 if none). */
  highestPending: number;
  /** Derived, saved as a check: whether the CPU's IRQ input is asserted. */
  irq: boolean;
}

/** A GICv2's whole state as JSON-safe data (see GicV2.saveState). */
export interface GicV2State {
  cpuCount: number;
  /** GICD_CTLR. */
  ctlr: number;
  spi: GicV2SpiState;
  cpus: GicV2CpuState[];
}
