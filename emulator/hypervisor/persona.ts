// A persona: one guest OS with its own RAM, devices, vCPUs and trap log, on the virt board.
// Its vCPUs run on the calling thread, round-robin; between slices the hypervisor updates timers,
// injects interrupts and yields to the event loop so console input and signals are served.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { counterNow, ticksToMicros } from '../arch/aarch64/generic-timer';
import { Stage2Tables, type Stage2Region } from '../arch/aarch64/stage2';
import { INSTRUCTIONS_PER_TICK, Vcpu, type GuestMemoryRegion, type MmioWindow } from '../arch/aarch64/vcpu';
import type { Watchpoint } from '../arch/aarch64/watchpoints';
import type { GuestImage } from '../loader/types';
import { createVirtDevices, readWide, writeWide, type VirtDevices } from '../platform/virt-platform';
import { COUNTER_HZ, FLASH_BANK_BYTES, VIRT } from '../platform/virt-map';
import { packAccess, TrapLog } from './trap-log';
import { TrapClass } from './trap-class';
import { TrapDispatcher } from './trap-dispatcher';
import type { TrapOutcome } from './trap';
import type { HypercallPlatform } from './hypercalls/table';
import type { ChannelEnd } from './hypercalls/persona-abi';
import type { MmioDevice } from '../platform/mmio';
import { copyImage, placeInitrd, writeBootDtb } from './boot-layout';
import { CONTROL, PERSONA_STATE, ringPeer, takeDoorbell, type PersonaLinks } from './persona-links';

/** Where the hypervisor keeps its own memory (stage-2 tables): outside any guest's IPA space. */
const HYPERVISOR_MEMORY_BASE = 0xf0_0000_0000n;
/** Spare stage-2 table pages per vCPU, for splitting blocks around watched pages (two per page at most). */
const STAGE2_SPARE_PAGES = 32;

function withSpareTables(built: Uint8Array): Uint8Array {
  const out = new Uint8Array(built.byteLength + STAGE2_SPARE_PAGES * 4096);
  out.set(built);
  return out;
}

/** Longest slice before the event loop gets a turn (console input, signals, pause requests). */
const MAX_SLICE_US = Number(process.env.PERSONA_SLICE_US ?? 20_000);
/** Slice length when several vCPUs of the persona are runnable. */
const SMP_QUANTUM_US = 2_000;
/** The RTC's time at virtual time 0 in deterministic mode: 2026-01-01T00:00:00Z. */
const DETERMINISTIC_EPOCH_SECONDS = 1_767_225_600;
/** Deterministic mode's default quantum: 100k instructions (100 µs of virtual time). */
export const DEFAULT_QUANTUM = 100_000n;

export interface PersonaConfig {
  id: number;
  name: string;
  ramBytes: bigint;
  cpus: number;
  image: GuestImage;
  bootargs?: string;
  /** An initial RAM disk for a Linux Image (cpio, possibly compressed): placed as QEMU places it. */
  initrd?: { path: string; bytes: Uint8Array };
  /** A kernel for firmware (`image` then is firmware) to load through fw_cfg, as QEMU's -bios with -kernel. */
  firmwareKernel?: { image: Uint8Array; initrd?: Uint8Array; cmdline?: string };
  trapLogCapacity?: number;
  tcgBufferBytes?: number;
  /** Guest console output (UART and semihosting), in order. */
  onConsole: (bytes: Uint8Array) => void;
  /** Set when the persona is one of a device's: shared control, channels, assigned devices. */
  links?: PersonaLinks;
  /** Counter value trap times count from (a device gives all its personas the same one). */
  clockOrigin?: bigint;
  /** Virtual time from executed instructions; run with runDeterministic(), not run(). */
  deterministic?: boolean;
}

/** A stop for the debugger: the persona goes on when runUntilStop is called again. */
export interface PersonaBreak {
  kind: 'break';
  /**
   * `trap`: the dispatcher's breakOn filter accepted a trap; `pause`: requestPause() asked for it
   * (between slices); `watchpoint`: before a watched access.
   */
  reason: 'breakpoint' | 'step' | 'trap' | 'pause' | 'watchpoint';
  vcpu: number;
  pc: bigint;
}

export interface RunOptions {
  maxSeconds?: number;
  onYield?: () => void;
  /** Run only this vCPU; the persona's others stay where they are (a debugger's single-thread step). */
  onlyVcpu?: number;
}

export type PersonaExit =
  | { kind: 'halted'; code: number; reason: string }
  | { kind: 'stopped'; reason: string }
  | { kind: 'fault'; reason: string }
  | { kind: 'timeout'; reason: string };

export class Persona {
  readonly id: number;
  readonly name: string;
  readonly trapLog: TrapLog;
  readonly dispatcher: TrapDispatcher;
  readonly devices: VirtDevices;
  readonly vcpus: Vcpu[] = [];
  readonly ram: Uint8Array;
  readonly flash: Uint8Array;
  readonly dtbAddress: bigint | undefined;
  /** Where the initrd was placed (guest-physical), as /chosen names it. */
  readonly initrd: { start: bigint; end: bigint } | undefined;
  /** Stage-2 tables and their bytes as each vCPU sees them (flash banks change access as they change mode). */
  private stage2: { tables: Stage2Tables; mapped: Uint8Array[] } | undefined;
  private current = 0;
  private ending: PersonaExit | undefined;
  /**
   * Longest slice, and longest run between turns of the event loop. Several personas sharing one
   * thread (a debugger's device) each take a share, so requests wait at most about one slice.
   */
  sliceUs = MAX_SLICE_US;
  /** The quantum stepQuantumOrBreak is in the middle of: each vCPU's end, and the vCPU to go on with. */
  private quantum: { ends: bigint[]; next: number } | undefined;
  /** A debugger asked runUntilStop to return at its next slice boundary (see requestPause). */
  private pauseWanted = false;
  private readonly deviceNames: string[] = [];
  private readonly deviceObjects: MmioDevice[] = [];
  private readonly inputQueue: Buffer[] = [];
  private readonly links: PersonaLinks | undefined;
  private readonly onConsole: (bytes: Uint8Array) => void;
  /** Console bytes the guest has written so far (a snapshot records where it was taken). */
  consoleBytes = 0;
  readonly semihostingHandles = new Map<number, boolean>();
  /** Snapshots asked for; taken between slices, where the state is consistent. */
  private readonly snapshotRequests: { take: () => void }[] = [];

  constructor(cfg: PersonaConfig) {
    this.id = cfg.id;
    this.name = cfg.name;
    this.onConsole = (b) => {
      this.consoleBytes += b.length;
      cfg.onConsole(b);
    };
    this.links = cfg.links;
    this.trapLog = cfg.links ? TrapLog.attach(cfg.links.trapLog) : new TrapLog(cfg.trapLogCapacity);
    this.ram = new Uint8Array(Number(cfg.ramBytes));
    this.flash = new Uint8Array(Number(VIRT.flash.size));
    // Before any vCPU exists: a bad initrd is an input error, with nothing to clean up.
    this.initrd = cfg.initrd && placeInitrd(cfg.image, cfg.initrd.path, cfg.initrd.bytes, this.ram, cfg.ramBytes);
    this.devices = createVirtDevices({
      cpus: cfg.cpus,
      currentCpu: () => this.current,
      onCpuIrqChange: (cpu, pending) => this.onIrqChange(cpu, pending),
      onConsole: this.onConsole,
      // Deterministic mode: the RTC counts virtual seconds from a fixed date.
      nowSeconds: cfg.deterministic ? () => DETERMINISTIC_EPOCH_SECONDS + Number(this.vcpus[0]?.counter() ?? 0n) / Number(COUNTER_HZ) : undefined,
      fwCfg: { config: { ramBytes: cfg.ramBytes, cpus: cfg.cpus, kernel: cfg.firmwareKernel }, dma: { read: (pa, n) => this.ramBytes(pa, n), write: (pa, b) => this.dmaWrite(pa, b) } },
      flash: {
        memory: this.flash,
        onModeChange: (bank, readArray) => this.setFlashAccess(bank, readArray),
        onContentsChange: (address, length) => { for (const v of this.vcpus) v.engine.invalidateCode(address, address + BigInt(length)); },
      },
    });
    // One clock for trap times and PERSONA_VTIME: ticks since the persona's (or its device's) start.
    const origin = cfg.clockOrigin ?? counterNow();
    const clock = cfg.deterministic ? (v: number) => this.vcpus[v]!.counter() : () => counterNow() - origin;
    const hypercalls: HypercallPlatform = {
      cpuCount: cfg.cpus,
      cpuState: (i) => this.vcpus[i]!.power,
      cpuOn: (i, entry, context) => {
        const v = this.vcpus[i]!;
        v.resetToEntry(entry, context);
        v.power = 'on';
      },
      cpuOff: (i) => {
        const v = this.vcpus[i]!;
        v.power = 'off';
        v.requestStop();
      },
      cpuSuspend: (i) => this.vcpus[i]!.suspend(),
      isExecutable: (a) => this.isGuestMemory(a),
      services: {
        personaId: cfg.id,
        personaName: cfg.name,
        channel: (index) => this.links?.channels[index]?.end,
        notify: (ch, payload) => this.notifyPeer(ch, payload),
        readGuest: (va, len) => this.vcpus[this.current]!.guestBytes(va, len),
        console: (b) => this.onConsole(b),
        yieldCpu: (i) => this.vcpus[i]!.requestStop(),
        virtualTime: () => clock(this.current),
      },
    };
    const foreign = cfg.links?.foreign ?? [];
    this.dispatcher = new TrapDispatcher(this.trapLog, this.id, clock, {
      hypercalls, writeConsole: (b) => this.onConsole(b), semihostingHandles: this.semihostingHandles,
      foreignOwner: (ipa) => foreign.find((f) => ipa >= f.base && ipa < f.base + f.size)?.owner,
      romDevice: (ipa) => {
        const i = this.devices.windows.findIndex((w) => w.rom && ipa >= w.base && ipa < w.base + w.size);
        const w = this.devices.windows[i];
        return w?.rom ? { index: i, base: w.base, device: w.rom } : undefined;
      },
    });

    // Guest-physical memory: flash, RAM, and the channel segments this persona was granted.
    const memory: GuestMemoryRegion[] = [
      { base: VIRT.flash.base, bytes: this.flash },
      { base: VIRT.ram.base, bytes: this.ram },
      ...(cfg.links?.channels ?? []).map((c) => ({ base: c.end.base, bytes: c.memory })),
    ];
    const windows = [
      ...this.devices.windows,
      ...(cfg.links?.ownedDevices ?? []).map((d) => ({ name: d.name, base: d.base, size: d.size, device: d.device, stride: undefined, rom: undefined })),
    ];
    // Stage 2 maps exactly what exists for this persona: anything else (another persona's device or
    // channel, RAM past the end) faults into the hypervisor.
    const stage2 = new Stage2Tables(HYPERVISOR_MEMORY_BASE);
    const regions: Stage2Region[] = [
      { base: VIRT.flash.base, size: VIRT.flash.size, device: false },
      { base: VIRT.ram.base, size: cfg.ramBytes, device: false },
      ...(cfg.links?.channels ?? []).map((c) => ({ base: c.end.base, size: c.end.size, device: false })),
      ...windows.filter((w) => !w.rom).map((w) => ({ base: w.base, size: (w.size + 0xfffn) & ~0xfffn, device: true })),
    ];
    for (const r of regions) stage2.map(r);
    // Each vCPU its own copy, with spare pages: watchpoints change one vCPU's page permissions.
    const built = stage2.bytes();
    const mapped = Array.from({ length: cfg.cpus }, () => withSpareTables(built));
    this.stage2 = { tables: stage2, mapped };
    // Flash banks start in read-array mode: readable and executable, every write a command that traps.
    this.devices.flash.forEach((f, bank) => this.setFlashAccess(bank, f.inReadArray));
    // unicorn maps whole pages: a window smaller than a page (fw_cfg's 0x18 bytes) gets the page.
    // ROM devices (flash) are memory: their faulting accesses come through the trap handlers.
    const mmio = windows.flatMap((w, i) => {
      if (!w.rom) return [this.mmioWindow(w.name, i, w.base, (w.size + 0xfffn) & ~0xfffn, w.stride, w.device)];
      this.deviceNames[i] = w.name;
      this.deviceObjects[i] = w.device;
      return [];
    });

    for (let i = 0; i < cfg.cpus; i++) {
      this.vcpus.push(new Vcpu({
        index: i, memory, mmio, stage2: { base: HYPERVISOR_MEMORY_BASE, bytes: mapped[i]!, builtPages: built.byteLength / 4096 },
        tcgBufferBytes: cfg.tcgBufferBytes ?? 128 << 20,
        control: cfg.links?.control,
        deterministic: cfg.deterministic,
        onInstructionCacheInvalidate: cfg.cpus > 1 ? (from, va) => this.invalidateOtherVcpus(from, va) : undefined,
        setTimerLine: (intid, level, cpu) => this.devices.gic.setLevel(intid, level, cpu),
        onTrap: (t, v) => this.onTrap(this.dispatcher.dispatch(t, v), v),
      }));
    }
    this.dtbAddress = this.load(cfg);
    // A device access or an interrupt the debugger breaks on: never stop inside an MMIO callback
    // (unicorn would replay the access); the running vCPU stops at its next block boundary, another
    // one before its next slice.
    this.dispatcher.onRecordedBreak = (i) => {
      const v = this.vcpus[i];
      if (!v || v.debugStop) return;
      v.debugStop = { reason: 'trap', pc: 0n };
      if (v.running) v.engine.armStop(0);
    };
  }

  private mmioWindow(name: string, index: number, base: bigint, size: bigint, stride: number | undefined, device: MmioDevice): MmioWindow {
    this.deviceNames[index] = name;
    this.deviceObjects[index] = device;
    const at = (off: number) => (stride ? off % stride : off);
    return {
      base, size,
      read: (off, sz) => {
        const v = readWide(device, at(off), sz);
        const w = this.vcpus[this.current]!.whereNow();
        this.dispatcher.record(TrapClass.Mmio, this.current, w.el, w.pc, index, off, v, packAccess(sz, false));
        return v;
      },
      write: (off, sz, value) => {
        const w = this.vcpus[this.current]!.whereNow();
        this.dispatcher.record(TrapClass.Mmio, this.current, w.el, w.pc, index, off, value, packAccess(sz, true));
        writeWide(device, at(off), sz, value);
      },
    };
  }

  deviceName(index: number): string | undefined {
    return this.deviceNames[index];
  }

  deviceRegisterName(index: number, offset: number): string | undefined {
    return this.deviceObjects[index]?.registerName?.(offset);
  }

  /** The devices assigned to this persona by its device manifest, by name. */
  ownedDevices(): { name: string; device: MmioDevice }[] {
    return (this.links?.ownedDevices ?? []).map((d) => ({ name: d.name, device: d.device }));
  }

  /** Runs `take` at the next point between slices, where registers and devices are consistent. */
  atSafePoint<T>(take: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.snapshotRequests.push({ take: () => { try { resolve(take()); } catch (e) { reject(e); } } });
      for (const v of this.vcpus) v.requestStop();
    });
  }

  private serveSafePoints(): void {
    for (const r of this.snapshotRequests.splice(0)) r.take();
  }

  // ---- channels ----------------------------------------------------------------------------------

  private notifyPeer(ch: ChannelEnd, payload: number): boolean {
    const link = this.links?.channels.find((l) => l.end.id === ch.id);
    if (!link || Atomics.load(link.peerControl, CONTROL.STATE) === PERSONA_STATE.EXITED) return false;
    // Recorded before the doorbell rings: the peer's receive, in another thread, must come later.
    const w = this.vcpus[this.current]!.whereNow();
    this.dispatcher.record(TrapClass.Channel, this.current, w.el, w.pc, ch.id, 0, payload >>> 0, ch.peer);
    return ringPeer(link, payload);
  }

  /** Doorbells that rang for this persona become pending doorbell interrupts (edges) in its GIC. */
  takeDoorbells(): void {
    for (const link of this.links?.channels ?? []) {
      const payload = takeDoorbell(link);
      if (payload === undefined) continue;
      this.devices.gic.setPending(link.end.intid);
      const v = this.vcpus[0]!;
      const w = v.whereNow();
      this.dispatcher.record(TrapClass.Channel, 0, w.el, w.pc, link.end.id, 1, payload, link.end.peer);
    }
  }

  /** Handles what the device asked for in the control words; resolves when not paused. */
  private async serveControl(): Promise<void> {
    const c = this.links?.control;
    if (!c) return;
    Atomics.store(c, CONTROL.ATTENTION, 0);
    this.takeDoorbells();
    if (this.inputQueue.length > 0) this.pumpConsoleInput();
    if (Atomics.load(c, CONTROL.PAUSE) === 0) return;
    this.devices.uart.flush();
    Atomics.store(c, CONTROL.STATE, PERSONA_STATE.PAUSED);
    Atomics.notify(c, CONTROL.STATE);
    while (Atomics.load(c, CONTROL.PAUSE) !== 0 && !this.ending) {
      this.serveSafePoints(); // a paused persona can be snapshotted
      await Atomics.waitAsync(c, CONTROL.PAUSE, 1, 20).value;
    }
    Atomics.store(c, CONTROL.STATE, PERSONA_STATE.RUNNING);
    Atomics.notify(c, CONTROL.STATE);
    this.takeDoorbells();
  }

  /**
   * A flash bank changed mode: read-only in stage 2 in read-array mode (reads and code at full speed,
   * writes trap as commands), no access in command mode (every access traps to the device).
   */
  private setFlashAccess(bank: number, readArray: boolean): void {
    if (!this.stage2) return; // during construction: applied once the tables exist
    const base = VIRT.flash.base + BigInt(bank) * FLASH_BANK_BYTES;
    for (const m of this.stage2.mapped) this.stage2.tables.setAccess(m, base, FLASH_BANK_BYTES, readArray ? 'ro' : 'none');
    for (const v of this.vcpus) v.engine.flushTlb();
  }

  /** RAM at guest-physical `pa` (a view), or undefined when the range is not all RAM. */
  private ramBytes(pa: bigint, length: number): Uint8Array | undefined {
    const off = pa - VIRT.ram.base;
    if (off < 0n || off + BigInt(length) > BigInt(this.ram.byteLength)) return undefined;
    return this.ram.subarray(Number(off), Number(off) + length);
  }

  /** A device's DMA write into RAM: translated code of that range is dropped on every vCPU. */
  private dmaWrite(pa: bigint, bytes: Uint8Array): boolean {
    const target = this.ramBytes(pa, bytes.length);
    if (!target) return false;
    target.set(bytes);
    for (const v of this.vcpus) v.engine.invalidateCode(pa, pa + BigInt(bytes.length));
    return true;
  }

  private isGuestMemory(a: bigint): boolean {
    return (a >= VIRT.ram.base && a < VIRT.ram.base + BigInt(this.ram.byteLength)) || a < VIRT.flash.size;
  }

  /** Copies the image into guest memory, writes the DTB, and powers on vCPU 0 at the entry point. */
  private load(cfg: PersonaConfig): bigint | undefined {
    const img = cfg.image;
    copyImage(img, this.ram, this.flash);
    const dtbAddress = writeBootDtb(img, { ramBytes: cfg.ramBytes, cpus: cfg.cpus, bootargs: cfg.bootargs }, this.ram, this.initrd);
    const boot = this.vcpus[0]!;
    boot.resetToEntry(img.entry, img.isLinux ? dtbAddress ?? 0n : 0n);
    boot.power = 'on';
    return dtbAddress;
  }

  private onTrap(out: TrapOutcome, v: Vcpu): boolean {
    if (out.kind === 'resume') return false;
    if (out.kind === 'break') {
      v.debugStop = { reason: 'trap', pc: 0n }; // the pc is where the vCPU goes on, read when the slice ends
      return true;
    }
    this.ending ??= out.kind === 'halt'
      ? { kind: 'halted', code: out.code, reason: out.reason }
      : { kind: 'stopped', reason: out.reason };
    return true;
  }

  private onIrqChange(cpu: number, pending: boolean): void {
    const v = this.vcpus[cpu];
    if (!v) return;
    if (pending && !v.irqPending) {
      const w = v.whereNow();
      this.dispatcher.record(TrapClass.Irq, cpu, w.el, w.pc, this.devices.gic.highestPending(cpu), 0, 0, 0);
    }
    v.setVirq(pending);
  }

  /** Host input for the guest's UART: queued here, fed as the UART's 32-byte FIFO has room. */
  consoleInput(bytes: Uint8Array): void {
    this.inputQueue.push(Buffer.from(bytes));
    this.pumpConsoleInput();
  }

  private pumpConsoleInput(): void {
    const uart = this.devices.uart;
    while (this.inputQueue.length > 0 && uart.rxSpace > 0) {
      const head = this.inputQueue[0]!;
      const n = Math.min(head.length, uart.rxSpace);
      uart.receive(head.subarray(0, n));
      if (n === head.length) this.inputQueue.shift();
      else this.inputQueue[0] = head.subarray(n);
    }
  }

  /** Asks the running slice to end and the run loop to stop with `exit`. */
  stop(exit: PersonaExit): void {
    this.ending ??= exit;
    for (const v of this.vcpus) v.requestStop();
  }

  /** Runs until the guest halts, faults, is stopped, or `maxSeconds` of wall time pass. */
  async run(opts: { maxSeconds?: number; onYield?: () => void } = {}): Promise<PersonaExit> {
    const stop = await this.runUntilStop(opts);
    if (stop.kind === 'break') throw new Error('Persona.run: a debugger stop without a debugger (use runUntilStop)');
    return stop;
  }

  /**
   * Runs until the guest ends (its exit) or a vCPU stops for the debugger (a breakpoint or the end
   * of an instruction step): then it resolves with the stop and can be called again to go on.
   */
  async runUntilStop(opts: RunOptions = {}): Promise<PersonaExit | PersonaBreak> {
    const deadline = opts.maxSeconds ? Date.now() + opts.maxSeconds * 1000 : Infinity;
    for (const v of this.vcpus) v.prepareResume();
    let lastYield = Date.now();
    let next = 0;
    const control = this.links?.control;
    if (control) Atomics.store(control, CONTROL.STATE, PERSONA_STATE.RUNNING);
    while (!this.ending) {
      if (control && (Atomics.load(control, CONTROL.ATTENTION) | Atomics.load(control, CONTROL.PAUSE)) !== 0) await this.serveControl();
      if (this.pauseWanted && !this.ending) return this.pausedHere();
      if (this.snapshotRequests.length > 0) this.serveSafePoints();
      if (this.inputQueue.length > 0) this.pumpConsoleInput();
      this.devices.rtc.tick(); // an alarm (match) fires even if the guest does not look at the RTC
      const now = counterNow();
      for (const v of this.vcpus) if (v.power === 'on') v.timer.update(now);
      const runnable = this.vcpus.filter((v) => v.power === 'on' && !v.idle && (opts.onlyVcpu === undefined || v.index === opts.onlyVcpu));
      const wall = Date.now();
      if (wall >= deadline) {
        this.ending = { kind: 'timeout', reason: `the guest was still running after ${opts.maxSeconds} s (--max-seconds)` };
        break;
      }
      if (runnable.length === 0) {
        if (!this.vcpus.some((v) => v.power === 'on')) {
          this.ending = { kind: 'stopped', reason: 'every vCPU is off (PSCI CPU_OFF)' };
          break;
        }
        await this.idleUntilEvent(deadline);
        lastYield = Date.now();
        continue;
      }
      const v = runnable[next++ % runnable.length]!;
      this.current = v.index;
      if (v.recordWakeUp()) continue; // a stop-on-trap filter on WFI: the loop ends with this.ending
      let slice = runnable.length > 1 ? Math.min(SMP_QUANTUM_US, this.sliceUs) : this.sliceUs;
      const due = v.timer.nextDeadline();
      if (due !== undefined) slice = Math.max(1, Math.min(slice, Number(ticksToMicros(due > now ? due - now : 0n))));
      const r = this.runVcpu(v, slice);
      if (r.brk) {
        this.pauseWanted = false; // this stop answers a pause asked for meanwhile too
        return r.brk;
      }
      if (Date.now() - lastYield >= this.sliceUs / 1000) {
        this.devices.uart.flush();
        opts.onYield?.();
        await yieldToEventLoop();
        lastYield = Date.now();
      }
    }
    this.devices.uart.flush();
    this.pauseWanted = false;
    if (control) {
      Atomics.store(control, CONTROL.STATE, PERSONA_STATE.EXITED);
      Atomics.notify(control, CONTROL.STATE);
    }
    return this.ending;
  }

  /**
   * One slice of `v` (by wall time, or up to instruction `until` in deterministic mode), or none when
   * a break was deferred to it from a recorded trap; an engine error ends the persona; a debugger
   * stop is returned as the break the run loops hand back.
   */
  private runVcpu(v: Vcpu, timeoutUs: number, until = 0n): { engineError?: string; brk?: PersonaBreak } {
    const r = v.debugStop ? {} : v.runSlice(timeoutUs, until);
    if (r.engineError && !this.ending) {
      this.ending = { kind: 'fault', reason: `the CPU emulator stopped with UC_ERR_${r.engineError} at pc 0x${v.pc.toString(16)}` };
    }
    const brk = v.debugStop;
    if (!brk || this.ending) return r;
    v.debugStop = undefined;
    v.clearStep();
    this.devices.uart.flush();
    return { ...r, brk: { kind: 'break', reason: brk.reason, vcpu: v.index, pc: brk.reason === 'trap' ? v.pc : brk.pc } };
  }

  /** A vCPU invalidated its instruction cache: drop the matching translated code on the others. */
  private invalidateOtherVcpus(from: number, va: bigint | undefined): void {
    for (const v of this.vcpus) {
      if (v.index === from) continue;
      if (va === undefined) v.engine.flushCode();
      else v.engine.invalidateCode(va & ~63n, (va & ~63n) + 64n);
    }
  }

  // ---- debugging -------------------------------------------------------------------------------

  /**
   * Asks a running runUntilStop (or one about to run) to return a 'pause' break at its next slice
   * boundary, between instructions: also when every vCPU waits in WFI (the idle wait wakes on the
   * attention word) or between the steps of a debugger's multi-step operation.
   */
  requestPause(): void {
    this.pauseWanted = true;
    for (const v of this.vcpus) v.requestStop();
    const control = this.links?.control;
    if (control) {
      Atomics.store(control, CONTROL.ATTENTION, 1);
      Atomics.notify(control, CONTROL.ATTENTION);
    }
  }

  /** Withdraws a pause request that has not been answered (the persona settled for another reason). */
  cancelPause(): void {
    this.pauseWanted = false;
  }

  private pausedHere(): PersonaBreak {
    this.pauseWanted = false;
    this.devices.uart.flush();
    const v = this.vcpus[this.current]!;
    return { kind: 'break', reason: 'pause', vcpu: v.index, pc: v.pc };
  }

  /**
   * Data watchpoints (guest-physical ranges) on every vCPU. Returns those that cannot be watched
   * (no RAM behind them, or no spare stage-2 tables left).
   */
  setWatchpoints(list: readonly Watchpoint[]): Watchpoint[] {
    const failed = new Set<Watchpoint>();
    for (const v of this.vcpus) for (const w of v.setWatchpoints(list)) failed.add(w);
    return [...failed];
  }

  /** Breakpoints (guest virtual addresses) on every vCPU. */
  setBreakpoints(addresses: readonly bigint[]): void {
    for (const v of this.vcpus) v.setBreakpoints(addresses);
  }

  /**
   * One instruction of vCPU `index`: plants stops at every address the instruction can continue at
   * (unicorn cannot single-step safely next to free running), then runs until one is reached. An
   * exception the instruction raises ends the step at its vector.
   */
  async stepInstruction(index: number, opts: RunOptions = {}): Promise<PersonaExit | PersonaBreak> {
    const v = this.vcpus[index];
    if (!v || v.power !== 'on') throw new Error(`vCPU ${index} is not running`);
    v.plantStep(v.nextInstructionTargets());
    return this.runUntilStop(opts);
  }

  // ---- deterministic mode ------------------------------------------------------------------------

  /**
   * One quantum of deterministic mode: every powered vCPU, in index order, advances exactly
   * `quantum` instructions of virtual time, running its guest or, while it waits in WFI, just
   * ageing. Timer deadlines end slices exactly; doorbells and input are taken at quantum starts.
   * Returns the exit once the persona has ended.
   */
  stepQuantum(quantum: bigint): PersonaExit | undefined {
    const r = this.stepQuantumOrBreak(quantum);
    return r?.kind === 'break' ? undefined : r;
  }

  /**
   * stepQuantum for a debugger: a breakpoint (or an exception filter) hit inside the quantum ends
   * the call with the break, and the next call finishes the same quantum, vCPU by vCPU as before,
   * so a stop does not change the schedule. Resume with prepareResume() first.
   */
  stepQuantumOrBreak(quantum: bigint): PersonaExit | PersonaBreak | undefined {
    if (this.ending) return this.ending;
    if (!this.quantum) {
      if (this.snapshotRequests.length > 0) this.serveSafePoints();
      if (this.inputQueue.length > 0) this.pumpConsoleInput();
      this.devices.rtc.tick();
      // Each vCPU's share ends `quantum` instructions after where it starts (it has not run since).
      this.quantum = { ends: this.vcpus.map((v) => v.engine.instructions + quantum), next: 0 };
    }
    const q = this.quantum;
    for (; q.next < this.vcpus.length; q.next++) {
      const v = this.vcpus[q.next]!;
      const end = q.ends[q.next]!;
      while (!this.ending && v.power === 'on') {
        const now = v.engine.instructions;
        if (now >= end) break;
        v.timer.update(v.counter());
        const due = v.timer.nextDeadline();
        const dueAt = due === undefined ? end : due * INSTRUCTIONS_PER_TICK;
        const until = dueAt > now && dueAt < end ? dueAt : end;
        if (v.idle) {
          v.engine.instructions = until; // waiting for an interrupt: virtual time just passes
          continue;
        }
        this.current = v.index;
        if (v.recordWakeUp()) break;
        const r = this.runVcpu(v, 0, until);
        if (r.brk) return r.brk;
        if (v.engine.instructions < until && !v.idle && v.power === 'on' && !r.engineError) {
          // Stopped early by a hypercall (yield, CPU_ON...): the rest of the quantum is still this vCPU's.
          continue;
        }
      }
      if (v.power !== 'on' && v.engine.instructions < end) v.engine.instructions = end;
    }
    this.quantum = undefined;
    if (!this.ending && !this.vcpus.some((v) => v.power === 'on')) this.ending = { kind: 'stopped', reason: 'every vCPU is off (PSCI CPU_OFF)' };
    if (this.ending) this.devices.uart.flush();
    return this.ending;
  }

  /** Forgets a doorbell or input notice (deterministic rounds deliver doorbells at round starts). */
  clearAttention(): void {
    const c = this.links?.control;
    if (c) Atomics.store(c, CONTROL.ATTENTION, 0);
  }

  /** Before going on after a break: a breakpoint at a vCPU's pc must not stop it again at once. */
  prepareResume(): void {
    for (const v of this.vcpus) v.prepareResume();
  }

  /** Runs a lone persona deterministically to its end. */
  async runDeterministic(opts: { quantum?: bigint; maxSeconds?: number } = {}): Promise<PersonaExit> {
    const deadline = opts.maxSeconds ? Date.now() + opts.maxSeconds * 1000 : Infinity;
    let exit: PersonaExit | undefined;
    for (let n = 0; !exit; n++) {
      exit = this.stepQuantum(opts.quantum ?? DEFAULT_QUANTUM);
      if (!exit && (n & 63) === 63) {
        if (Date.now() >= deadline) exit = this.ending = { kind: 'timeout', reason: `the guest was still running after ${opts.maxSeconds} s (--max-seconds)` };
        await yieldToEventLoop();
      }
    }
    this.devices.uart.flush();
    return exit;
  }

  /** Every powered vCPU waits in WFI: sleep until the next timer deadline, an input, or the time limit. */
  private async idleUntilEvent(deadline: number): Promise<void> {
    let due: bigint | undefined;
    for (const v of this.vcpus) {
      if (v.power !== 'on') continue;
      const d = v.timer.nextDeadline();
      if (d !== undefined && (due === undefined || d < due)) due = d;
    }
    const waitMs = due === undefined ? 10 : Number(ticksToMicros(due > counterNow() ? due - counterNow() : 0n)) / 1000;
    const bounded = Math.min(waitMs, 10, Math.max(0, deadline - Date.now()));
    const control = this.links?.control;
    if (bounded >= 1 && control) await Atomics.waitAsync(control, CONTROL.ATTENTION, 0, bounded).value; // a doorbell or a pause wakes it
    else if (bounded >= 1) await new Promise((r) => setTimeout(r, bounded));
    else {
      const until = process.hrtime.bigint() + BigInt(Math.round(bounded * 1e6));
      while (process.hrtime.bigint() < until) { /* sub-millisecond deadline: spin */ }
      await yieldToEventLoop();
    }
  }

  close(): void {
    for (const v of this.vcpus) v.close();
  }
}
