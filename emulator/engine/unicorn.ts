// The only module that calls libunicorn. It owns the FFI declarations and the pitfalls from
// notes/engine.md:
//  - koffi delivers uint64 callback arguments >= 2^63 as negative numbers: normalise with asUintN;
//  - callbacks and the buffers unicorn points at (RAM) must stay referenced for the engine's life;
//  - a JS exception inside a hook does not stop emulation: hooks are wrapped, the error is kept,
//    emulation is stopped, and start() rethrows it;
//  - host writes to guest memory do not invalidate translated code: callers use invalidateCode().
import * as koffi from 'koffi';
import { EngineError } from './errors';
import { loadNativeHelpers, loadUnicorn } from './native-library';
import { sysRegKeyOf, type SysRegEncoding } from './sysreg-key';

export { sysRegKeyOf } from './sysreg-key';
import {
  A64, UC_CTL_WRITE_CPU_MODEL, UC_CTL_WRITE_TB_FLUSH, UC_CTL_WRITE_TLB_FLUSH, UC_CTL_WRITE_TB_REMOVE_CACHE, UC_CTL_WRITE_TCG_BUFFER_SIZE,
  UC_ERR_NAMES, UC_HOOK_BLOCK, UC_HOOK_CODE, UC_HOOK_INSN, UC_HOOK_INTR,
} from './unicorn-constants';

type Handle = unknown;
/** A bound C function (koffi does not export its own type for these). */
type FfiFunction = (...args: unknown[]) => unknown;

interface Ffi {
  open: FfiFunction; close: FfiFunction; ctl: FfiFunction;
  regRead: FfiFunction; regWrite: FfiFunction;
  regReadBatch: FfiFunction; regWriteBatch: FfiFunction;
  memMapPtr: FfiFunction; mmioMap: FfiFunction;
  hookAdd: FfiFunction; hookDel: FfiFunction;
  emuStart: FfiFunction; emuStop: FfiFunction;
  contextAlloc: FfiFunction; contextSave: FfiFunction; contextRestore: FfiFunction;
  contextSize: FfiFunction; free: FfiFunction;
  intrCb: koffi.TypeObject; codeCb: koffi.TypeObject;
  mmioReadCb: koffi.TypeObject; mmioWriteCb: koffi.TypeObject;
}

let ffi: Ffi | undefined;

interface GuardFfi {
  hookAddress: FfiFunction; create: FfiFunction; arm: FfiFunction; disarm: FfiFunction; free: FfiFunction;
  icount: FfiFunction; setIcount: FfiFunction; setBudget: FfiFunction;
  sysHookAddress: FfiFunction; sysCreate: FfiFunction; sysWant: FfiFunction; sysFree: FfiFunction; sysCb: koffi.TypeObject;
}
let guardFfi: GuardFfi | undefined;

/** Persona's native helpers: the slice guard and the system-register filter (emulator/engine/native/). */
function bindGuard(): GuardFfi {
  if (guardFfi) return guardFfi;
  const { lib } = loadNativeHelpers();
  guardFfi = {
    hookAddress: lib.func('void *persona_block_hook_address(void)'),
    create: lib.func('void *persona_guard_new(const char *library, void *control)'),
    arm: lib.func('void persona_guard_arm(void *guard, int64_t delay_ns)'),
    disarm: lib.func('void persona_guard_disarm(void *guard)'),
    icount: lib.func('uint64_t persona_guard_icount(void *guard)'),
    setIcount: lib.func('void persona_guard_set_icount(void *guard, uint64_t icount)'),
    setBudget: lib.func('void persona_guard_set_budget(void *guard, uint64_t budget)'),
    free: lib.func('void persona_guard_free(void *guard)'),
    sysHookAddress: lib.func('void *persona_sysreg_hook_address(void)'),
    sysCreate: lib.func('void *persona_sysreg_filter_new(void *callback)'),
    sysWant: lib.func('void persona_sysreg_filter_want(void *filter, uint32_t key)'),
    sysFree: lib.func('void persona_sysreg_filter_free(void *filter)'),
    sysCb: koffi.proto('uint32_t PersonaSysregCb(int rt, uint32_t key, uint64_t value)'),
  };
  return guardFfi;
}

function encodingOfKey(key: number): SysRegEncoding {
  return { op0: (key >> 14) & 3, op1: (key >> 11) & 7, crn: (key >> 7) & 15, crm: (key >> 3) & 15, op2: key & 7 };
}

function bind(): Ffi {
  if (ffi) return ffi;
  const { lib } = loadUnicorn();
  ffi = {
    open: lib.func('int uc_open(int arch, int mode, _Out_ void **uc)'),
    close: lib.func('int uc_close(void *uc)'),
    ctl: lib.func('int uc_ctl(void *uc, int control, ...)'),
    regRead: lib.func('int uc_reg_read(void *uc, int regid, void *value)'),
    regWrite: lib.func('int uc_reg_write(void *uc, int regid, void *value)'),
    regReadBatch: lib.func('int uc_reg_read_batch(void *uc, void *regs, void *vals, int count)'),
    regWriteBatch: lib.func('int uc_reg_write_batch(void *uc, void *regs, void *vals, int count)'),
    memMapPtr: lib.func('int uc_mem_map_ptr(void *uc, uint64_t address, size_t size, uint32_t perms, void *ptr)'),
    mmioMap: lib.func('int uc_mmio_map(void *uc, uint64_t address, size_t size, void *read_cb, void *user_read, void *write_cb, void *user_write)'),
    hookAdd: lib.func('int uc_hook_add(void *uc, _Out_ size_t *hh, int type, void *callback, void *user_data, uint64_t begin, uint64_t end, ...)'),
    hookDel: lib.func('int uc_hook_del(void *uc, size_t hh)'),
    emuStart: lib.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
    emuStop: lib.func('int uc_emu_stop(void *uc)'),
    contextAlloc: lib.func('int uc_context_alloc(void *uc, _Out_ void **context)'),
    contextSave: lib.func('int uc_context_save(void *uc, void *context)'),
    contextRestore: lib.func('int uc_context_restore(void *uc, void *context)'),
    contextSize: lib.func('size_t uc_context_size(void *uc)'),
    free: lib.func('int uc_free(void *mem)'),
    intrCb: koffi.proto('void UcIntrCb(void *uc, uint32_t intno, void *user)'),
    codeCb: koffi.proto('void UcCodeCb(void *uc, uint64_t address, uint32_t size, void *user)'),
    mmioReadCb: koffi.proto('uint64_t UcMmioReadCb(void *uc, uint64_t offset, unsigned int size, void *user)'),
    mmioWriteCb: koffi.proto('void UcMmioWriteCb(void *uc, uint64_t offset, unsigned int size, uint64_t value, void *user)'),
  };
  return ffi;
}

const u64 = (x: number | bigint): bigint => BigInt.asUintN(64, BigInt(x));

/**
 * Engines still open. At process exit they are closed first: tearing the process down under a live
 * unicorn instance (its slice-guard thread, registered callbacks) can crash it.
 */
const openEngines = new Set<UnicornEngine>();
let exitHookInstalled = false;

function trackOpen(e: UnicornEngine): void {
  openEngines.add(e);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => { for (const x of [...openEngines]) x.close(); });
  }
}

/** An AArch64 system register by its MRS/MSR encoding. */
export type { SysRegEncoding } from './sysreg-key';

export interface SysInsnAccess extends SysRegEncoding {
  /** unicorn id of the Rt register (read its value for MSR, write the result for MRS). */
  rt: number;
  /** Rt's value at the time of the access (the value an MSR writes). */
  value: bigint;
}

export interface RunResult {
  /** unicorn's return code (0 = stopped normally or by uc_emu_stop). */
  code: number;
  codeName: string;
}

export class UnicornEngine {
  private readonly f: Ffi;
  private handle: Handle;
  /** Everything unicorn holds a pointer to: callbacks and mapped buffers. */
  private readonly keepAlive: unknown[] = [];
  private readonly callbacks: bigint[] = [];
  private deferredError: unknown;
  private readonly scratch = Buffer.alloc(64);
  private readonly scratch64 = new BigUint64Array(this.scratch.buffer, this.scratch.byteOffset, 8);
  private readonly cpRegBuf = Buffer.alloc(32);
  private readonly cpRegView = new DataView(this.cpRegBuf.buffer, this.cpRegBuf.byteOffset, 32);
  private contextPtr: unknown;
  private guard: unknown;
  private readonly sysFilters: unknown[] = [];
  private contextBytes = 0;
  closed = false;

  constructor(arch: number, mode: number) {
    this.f = bind();
    const out: unknown[] = [null];
    this.check('uc_open', this.f.open(arch, mode, out) as number);
    this.handle = out[0];
    trackOpen(this);
  }

  /** The raw uc_engine pointer as a number, for uc_emu_stop from another thread. */
  get address(): bigint {
    return BigInt(koffi.address(this.handle));
  }

  private check(call: string, rc: number): void {
    if (rc !== 0) throw new EngineError(call, rc, UC_ERR_NAMES[rc] ?? String(rc));
  }

  // ---- control ----------------------------------------------------------------------------------

  setCpuModel(model: number): void {
    this.check('uc_ctl(CPU_MODEL)', this.f.ctl(this.handle, UC_CTL_WRITE_CPU_MODEL, 'int', model) as number);
  }

  /** Bounds the translation buffer; the default 1 GiB makes the first TB flush cost seconds. */
  setTcgBufferSize(bytes: number): void {
    this.check('uc_ctl(TCG_BUFFER_SIZE)', this.f.ctl(this.handle, UC_CTL_WRITE_TCG_BUFFER_SIZE, 'uint32_t', bytes) as number);
  }

  /** Drops translated code for [begin, end): after host writes, late hooks, snapshot restore. */
  invalidateCode(begin: bigint, end: bigint): void {
    this.check('uc_ctl(TB_REMOVE_CACHE)', this.f.ctl(this.handle, UC_CTL_WRITE_TB_REMOVE_CACHE, 'uint64_t', begin, 'uint64_t', end) as number);
  }

  flushCode(): void {
    this.check('uc_ctl(TB_FLUSH)', this.f.ctl(this.handle, UC_CTL_WRITE_TB_FLUSH) as number);
  }

  /** Drops cached translations of guest addresses: after the hypervisor changes stage-2 tables. */
  flushTlb(): void {
    this.check('uc_ctl(TLB_FLUSH)', this.f.ctl(this.handle, UC_CTL_WRITE_TLB_FLUSH) as number);
  }

  // ---- registers ---------------------------------------------------------------------------------

  readReg(id: number): bigint {
    this.f.regRead(this.handle, id, this.scratch);
    return this.scratch64[0] as bigint;
  }

  writeReg(id: number, value: bigint): void {
    this.scratch64[0] = BigInt.asUintN(64, value);
    this.check('uc_reg_write', this.f.regWrite(this.handle, id, this.scratch) as number);
  }

  /** A 128-bit register (Qn) as 16 little-endian bytes. */
  readReg128(id: number): Uint8Array {
    this.check('uc_reg_read', this.f.regRead(this.handle, id, this.scratch) as number);
    return Uint8Array.from(this.scratch.subarray(0, 16));
  }

  writeReg128(id: number, bytes: Uint8Array): void {
    this.scratch.set(bytes.subarray(0, 16));
    this.check('uc_reg_write', this.f.regWrite(this.handle, id, this.scratch) as number);
  }

  /** Reads several 64-bit registers with one FFI call (the trap hot path). */
  readRegs(batch: RegisterBatch): BigUint64Array {
    this.f.regReadBatch(this.handle, batch.ids, batch.pointers, batch.count);
    return batch.values;
  }

  /** Writes several 64-bit registers in order with one FFI call. */
  writeRegs(batch: RegisterBatch): void {
    this.check('uc_reg_write_batch', this.f.regWriteBatch(this.handle, batch.ids, batch.pointers, batch.count) as number);
  }

  readSysReg(enc: SysRegEncoding): bigint {
    this.fillCpReg(enc, 0n);
    this.check('uc_reg_read(CP_REG)', this.f.regRead(this.handle, A64.CP_REG, this.cpRegBuf) as number);
    return this.cpRegView.getBigUint64(24, true);
  }

  writeSysReg(enc: SysRegEncoding, value: bigint): void {
    this.fillCpReg(enc, value);
    this.check('uc_reg_write(CP_REG)', this.f.regWrite(this.handle, A64.CP_REG, this.cpRegBuf) as number);
  }

  private fillCpReg(enc: SysRegEncoding, value: bigint): void {
    const v = this.cpRegView;
    v.setUint32(0, enc.crn, true); v.setUint32(4, enc.crm, true); v.setUint32(8, enc.op0, true);
    v.setUint32(12, enc.op1, true); v.setUint32(16, enc.op2, true); v.setBigUint64(24, BigInt.asUintN(64, value), true);
  }

  // ---- memory ------------------------------------------------------------------------------------

  /** Maps host memory as guest-physical RAM. The buffer must live as long as the engine: kept here. */
  mapRam(address: bigint, memory: Uint8Array, perms: number): void {
    this.keepAlive.push(memory);
    this.check('uc_mem_map_ptr', this.f.memMapPtr(this.handle, address, memory.byteLength, perms, memory) as number);
  }

  /**
   * Maps an emulated device window. Values are numbers for accesses of up to 4 bytes and bigints
   * for 8-byte accesses (a JS number cannot hold every 64-bit value).
   */
  mapMmio(address: bigint, size: bigint,
    read: (offset: number, size: number) => number | bigint,
    write: (offset: number, size: number, value: number | bigint) => void): void {
    const r = this.register((_uc: unknown, offset: number | bigint, sz: number) => read(Number(offset), sz), 0, this.f.mmioReadCb);
    const w = this.register((_uc: unknown, offset: number | bigint, sz: number, value: number | bigint) => {
      write(Number(offset), sz, sz === 8 ? u64(value) : Number(value));
    }, undefined, this.f.mmioWriteCb);
    this.check('uc_mmio_map', this.f.mmioMap(this.handle, address, Number(size), r, null, w, null) as number);
  }

  // ---- hooks -------------------------------------------------------------------------------------

  /** Wraps a hook so that a JS exception stops emulation instead of being lost. */
  private register<F extends (...args: never[]) => unknown>(fn: F, onError: unknown, proto: koffi.TypeObject): bigint {
    const guarded = (...args: Parameters<F>): unknown => {
      try {
        return fn(...args);
      } catch (e) {
        if (this.deferredError === undefined) this.deferredError = e;
        this.f.emuStop(this.handle);
        return onError;
      }
    };
    const cb = koffi.register(guarded, koffi.pointer(proto));
    this.callbacks.push(cb);
    return cb;
  }

  private addHook(type: number, cb: bigint, begin: bigint, end: bigint, extra?: number): bigint {
    const hh = [0];
    const rc = (extra === undefined
      ? this.f.hookAdd(this.handle, hh, type, cb, null, begin, end)
      : this.f.hookAdd(this.handle, hh, type, cb, null, begin, end, 'int', extra)) as number;
    this.check('uc_hook_add', rc);
    return BigInt(hh[0] ?? 0);
  }

  onInterrupt(fn: (intno: number) => void): void {
    const cb = this.register((_uc: unknown, intno: number) => { fn(intno); }, undefined, this.f.intrCb);
    this.addHook(UC_HOOK_INTR, cb, 1n, 0n);
  }

  removeHook(hh: bigint): void {
    this.check('uc_hook_del', this.f.hookDel(this.handle, hh) as number);
  }

  private codeDispatch: ((address: bigint) => void) | undefined;
  private codeCallback: bigint | undefined;

  /**
   * One code-hook callback shared by every breakpoint range (koffi allows 8192 callbacks per
   * process: breakpoints come and go, the callback stays). Set it before addCodeRange.
   */
  onBreakpoint(fn: (address: bigint) => void): void {
    this.codeDispatch = fn;
    this.codeCallback ??= this.register((_uc: unknown, address: number | bigint) => { this.codeDispatch?.(u64(address)); }, undefined, this.f.codeCb);
  }

  /** A code hook on [begin, end] calling the onBreakpoint function; returns its handle. */
  addCodeRange(begin: bigint, end: bigint): bigint {
    if (this.codeCallback === undefined) throw new Error('onBreakpoint() must come before addCodeRange()');
    const hh = this.addHook(UC_HOOK_CODE, this.codeCallback, begin, end);
    this.invalidateCode(begin, end + 1n); // late hooks do not fire on already translated code
    return hh;
  }

  removeCodeRange(hh: bigint, begin: bigint, end: bigint): void {
    this.removeHook(hh);
    this.invalidateCode(begin, end + 1n);
  }

  /**
   * MRS/MSR of the given registers only, filtered natively (a JS call per access of every system
   * register costs about a microsecond). `insn` is UC_ARM64_INS_MRS or UC_ARM64_INS_MSR. Return
   * true when the hypervisor emulated the access (the instruction is then skipped).
   */
  onSysRegs(insn: number, registers: readonly SysRegEncoding[], fn: (access: SysInsnAccess) => boolean): void {
    const g = bindGuard();
    const cb = this.register((rt: number, key: number, value: number | bigint) =>
      (fn({ ...encodingOfKey(key), rt, value: u64(value) }) ? 1 : 0), 0, g.sysCb);
    const filter = g.sysCreate(cb);
    if (!filter) throw new EngineError('persona_sysreg_filter_new', -1, 'NOMEM');
    this.sysFilters.push(filter);
    for (const r of registers) g.sysWant(filter, sysRegKeyOf(r));
    const hh = [0];
    this.check('uc_hook_add(INSN)', this.f.hookAdd(this.handle, hh, UC_HOOK_INSN, g.sysHookAddress(), filter, 1n, 0n, 'int', insn) as number);
  }

  // ---- running -----------------------------------------------------------------------------------

  /**
   * Installs the native slice guard (emulator/engine/native/slice-guard.c): the only safe way to stop
   * a run from outside. unicorn's own timeout and uc_emu_stop from another thread can stop in the
   * middle of a translation block and resume by re-running its first instructions. `control` is an
   * optional pair of shared words [attention, pause] (e.g. on a SharedArrayBuffer): while either is
   * non-zero, runs stop at the next block boundary.
   */
  installSliceGuard(control?: Int32Array): void {
    if (this.guard) return;
    const g = bindGuard();
    if (control) {
      if (control.length < 2) throw new RangeError('the slice guard\'s control words are [attention, pause]');
      this.keepAlive.push(control);
    }
    const guard = g.create(loadUnicorn().path, control ?? null);
    if (!guard) throw new EngineError('persona_guard_new', -1, 'GUARD');
    this.guard = guard;
    const hh = [0];
    this.check('uc_hook_add(BLOCK)', this.f.hookAdd(this.handle, hh, UC_HOOK_BLOCK, g.hookAddress(), guard, 1n, 0n) as number);
  }

  /** Stop at the first block boundary after `delayUs` (0: at the next one). */
  armStop(delayUs: number): void {
    bindGuard().arm(this.guard, Math.max(0, Math.round(delayUs * 1000)));
  }

  disarmStop(): void {
    bindGuard().disarm(this.guard);
  }

  /** Instructions in the blocks entered so far: the clock of deterministic mode. */
  get instructions(): bigint {
    return BigInt(bindGuard().icount(this.guard) as number | bigint);
  }

  set instructions(n: bigint) {
    bindGuard().setIcount(this.guard, n);
  }

  /** Stop at the first block boundary once `instructions` reaches `n` (0: no limit). */
  setInstructionBudget(n: bigint): void {
    bindGuard().setBudget(this.guard, n);
  }

  /**
   * Runs from `begin` until stopped. Always count = 0 (mixing count modes hangs unicorn 2.1) and
   * timeout = 0 (unicorn's timeout stops mid-block: use armStop()).
   */
  start(begin: bigint, until: bigint): RunResult {
    const code = this.f.emuStart(this.handle, begin, until, 0, 0) as number;
    if (this.deferredError !== undefined) {
      const e = this.deferredError;
      this.deferredError = undefined;
      throw e;
    }
    return { code, codeName: UC_ERR_NAMES[code] ?? String(code) };
  }

  stop(): void {
    this.f.emuStop(this.handle);
  }

  // ---- context (the CPU state blob) -------------------------------------------------------------

  /** Saves the CPU state into an internal blob and returns a view of it (valid until the next save). */
  saveContext(): Uint8Array {
    if (!this.contextPtr) {
      const out: unknown[] = [null];
      this.check('uc_context_alloc', this.f.contextAlloc(this.handle, out) as number);
      this.contextPtr = out[0];
      this.contextBytes = Number(this.f.contextSize(this.handle));
    }
    this.check('uc_context_save', this.f.contextSave(this.handle, this.contextPtr) as number);
    return new Uint8Array(koffi.view(this.contextPtr, this.contextBytes));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    openEngines.delete(this);
    if (this.contextPtr) this.f.free(this.contextPtr);
    if (this.guard) bindGuard().free(this.guard);
    for (const f of this.sysFilters) bindGuard().sysFree(f);
    this.f.close(this.handle);
    for (const cb of this.callbacks) koffi.unregister(cb);
    this.callbacks.length = 0;
    this.keepAlive.length = 0;
  }
}

/** A reusable set of register ids and value slots for one-call batch reads and writes. */
export class RegisterBatch {
  readonly count: number;
  readonly ids: Int32Array;
  readonly values: BigUint64Array;
  readonly pointers: BigUint64Array;

  constructor(regIds: readonly number[]) {
    this.count = regIds.length;
    this.ids = Int32Array.from(regIds);
    // Explicit ArrayBuffers live off the V8 heap, so the addresses stored below never move.
    this.values = new BigUint64Array(new ArrayBuffer(Math.max(128, regIds.length * 8)), 0, regIds.length);
    this.pointers = new BigUint64Array(new ArrayBuffer(Math.max(128, regIds.length * 8)), 0, regIds.length);
    // uc_reg_*_batch wants an array of pointers to each value slot.
    const base = BigInt(koffi.address(this.values));
    for (let i = 0; i < regIds.length; i++) this.pointers[i] = base + BigInt(i * 8);
  }

  /**
   * Makes slot `index` point at a caller-owned buffer instead of its 64-bit value slot: for
   * UC_ARM64_REG_CP_REG, whose value is a uc_arm64_cp_reg struct. The buffer must stay alive.
   */
  pointSlotAt(index: number, buffer: ArrayBuffer): void {
    this.pointers[index] = BigInt(koffi.address(buffer));
  }
}

/** A uc_arm64_cp_reg struct (CRn, CRm, op0, op1, op2, value) in an off-heap buffer, for batches. */
export class CpRegSlot {
  readonly buffer = new ArrayBuffer(128); // explicit ArrayBuffer: off the V8 heap, never moves
  private readonly view = new DataView(this.buffer);

  constructor(enc: SysRegEncoding) {
    const v = this.view;
    v.setUint32(0, enc.crn, true); v.setUint32(4, enc.crm, true); v.setUint32(8, enc.op0, true);
    v.setUint32(12, enc.op1, true); v.setUint32(16, enc.op2, true);
  }

  set value(x: bigint) {
    this.view.setBigUint64(24, BigInt.asUintN(64, x), true);
  }

  get value(): bigint {
    return this.view.getBigUint64(24, true);
  }
}
