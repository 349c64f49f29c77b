import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { esrWfx } from '../../emulator/arch/aarch64/syndrome';
import { TrapClass } from '../../emulator/hypervisor/trap-class';
import type { TrapNames } from '../../emulator/hypervisor/trap-format';
import { packAccess, TrapLog, type TrapRecord } from '../../emulator/hypervisor/trap-log';
import { ChromeTraceWriter, writeChromeTrace } from '../../emulator/trace/chrome-trace';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: string;
  cat?: string;
  args?: Record<string, string | number>;
}
interface TraceFile {
  traceEvents: TraceEvent[];
  displayTimeUnit: string;
  metadata: Record<string, string | number>;
}

const names: TrapNames = {
  persona: (id) => ['work', 'personal'][id] ?? `persona${id}`,
  device: (i) => ['pl011'][i],
  hypercall: (id) => (id === 0x8400_0000 ? 'PSCI_VERSION' : undefined),
};

function withTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'persona-trace-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

function rec(p: Partial<TrapRecord>): TrapRecord {
  return { seq: 1, vtime: 0n, persona: 0, vcpu: 0, el: 1, class: TrapClass.Irq, pc: 0n, a0: 0n, a1: 0n, a2: 0n, a3: 0n, result: 0n, ...p };
}

test('a small trace: metadata, instants, a complete event, sorted by ts', () =>
  withTmp(async (dir) => {
    const work = new TrapLog(16);
    const personal = new TrapLog(16);
    work.append({ vtime: 62_500n, persona: 0, vcpu: 0, el: 1, class: TrapClass.Hypercall, pc: 0x4008_0123n, a0: 0x8400_0000, result: 0x10001 });
    work.append({ vtime: 125_000n, persona: 0, vcpu: 1, el: 1, class: TrapClass.Wfi, pc: 0x4008_0200n, a0: esrWfx(0), result: 6_250n });
    work.append({ vtime: 300_000n, persona: 0, vcpu: 0, el: 0, class: TrapClass.Svc, pc: 0x40_0000n, a0: 0x5600_0000 });
    personal.append({ vtime: 100_001n, persona: 1, vcpu: 0, el: 1, class: TrapClass.Mmio, pc: 0x4800_0000n, a0: 0, a1: 0, a2: 0x41, a3: packAccess(1, true) });
    personal.append({ vtime: 0xffff_ffff_ffffn, persona: 1, vcpu: 0, el: 1, class: TrapClass.DataAbort, pc: 0xffff_8000_0000_1000n, a0: 0x9600_0050, a1: 0xffff_0000_dead_beefn });
    const path = join(dir, 'trace.json');
    const { events } = await writeChromeTrace(path, [...work.recent(), ...personal.recent()], names, { metadata: { image: 'demo.elf' } });
    const file = JSON.parse(readFileSync(path, 'utf8')) as TraceFile;
    assert.equal(events, file.traceEvents.length);
    assert.equal(file.displayTimeUnit, 'ns');
    assert.equal(file.metadata.image, 'demo.elf');
    assert.equal(file.metadata.counterHz, 62_500_000);

    const meta = file.traceEvents.filter((e) => e.ph === 'M');
    const proc = meta.filter((e) => e.name === 'process_name').map((e) => [e.pid, e.args?.name]);
    assert.deepEqual(proc, [
      [1, 'work'],
      [2, 'personal'],
    ]);
    const threads = meta.filter((e) => e.name === 'thread_name').map((e) => [e.pid, e.tid, e.args?.name]);
    assert.deepEqual(threads, [
      [1, 1, 'vcpu0'],
      [2, 1, 'vcpu0'],
      [1, 2, 'vcpu1'],
    ]);

    const timed = file.traceEvents.filter((e) => e.ph !== 'M');
    assert.equal(timed.length, 5);
    const ts = timed.map((e) => e.ts!);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'sorted by ts');
    const hvc = timed[0]!;
    assert.equal(hvc.name, 'hypercall PSCI_VERSION');
    assert.equal(hvc.cat, 'hypercall');
    assert.equal(hvc.ph, 'i');
    assert.equal(hvc.s, 't');
    assert.equal(hvc.ts, 1000); // 62,500 ticks at 62.5 MHz = 1 ms
    assert.equal(hvc.args?.id, '0x84000000');
    assert.equal(hvc.args?.result, '0x10001');
    assert.equal(hvc.args?.pc, '0x40080123');
    const mmio = timed[1]!;
    assert.equal(mmio.name, 'mmio pl011');
    assert.equal(mmio.pid, 2);
    assert.equal(mmio.ts, 1600.016);
    assert.equal(mmio.args?.access, 'write8');
    const wfi = timed[2]!;
    assert.equal(wfi.ph, 'X');
    assert.equal(wfi.dur, 100);
    assert.equal(wfi.tid, 2);
    const da = timed[4]!;
    assert.equal(da.name, 'data-abort');
    assert.equal(da.args?.far, '0xffff0000deadbeef');
    assert.equal(da.args?.syndrome, 'EC=0x25 data abort from same EL: WnR=1 (write) DFSC=0x10 synchronous external abort');
    assert.equal(da.ts, 4503599627370.48); // 0xffffffffffff ticks, in µs exact to the ns
  }));

test('a big log streams in chunks and still parses', () =>
  withTmp(async (dir) => {
    const log = new TrapLog(200_000);
    for (let i = 0; i < 200_000; i++) log.appendRaw(i % 7 === 0 ? TrapClass.Mmio : TrapClass.Irq, 0, i & 3, 1, 0x4000_0000 + i, i * 1000, 27, 0, 0, packAccess(4, false), 0);
    const path = join(dir, 'big.json');
    const { events } = await writeChromeTrace(path, log.recent(), names);
    assert.ok(statSync(path).size > 10 * 1024 * 1024);
    const file = JSON.parse(readFileSync(path, 'utf8')) as TraceFile;
    assert.equal(file.traceEvents.length, events);
    assert.equal(file.traceEvents.filter((e) => e.ph !== 'M').length, 200_000);
    let last = -1;
    for (const e of file.traceEvents) {
      if (e.ts === undefined) continue;
      assert.ok(e.ts >= last);
      last = e.ts;
    }
  }));

test('the streaming writer respects backpressure', async () => {
  const chunks: string[] = [];
  let maxPending = 0;
  let pending = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb): void {
      pending++;
      maxPending = Math.max(maxPending, pending);
      chunks.push(chunk.toString('utf8'));
      setImmediate(() => {
        pending--;
        cb();
      });
    },
  });
  const w = new ChromeTraceWriter(slow, names);
  await w.addAll((function* () {
    for (let i = 0; i < 20_000; i++) yield rec({ seq: i + 1, vtime: BigInt(i), a0: 30n });
  })());
  await w.close();
  const file = JSON.parse(chunks.join('')) as TraceFile;
  assert.equal(file.traceEvents.filter((e) => e.ph === 'i').length, 20_000);
  assert.ok(chunks.length > 10, 'written in several chunks');
  assert.equal(maxPending, 1);
  assert.throws(() => w.add(rec({})), /after close/);
});

test('ticks to microseconds', () => {
  const w = new ChromeTraceWriter(new Writable({ write: (_c, _e, cb) => cb() }), names);
  assert.equal(w.ticksToMicros(0n), '0');
  assert.equal(w.ticksToMicros(1n), '0.016');
  assert.equal(w.ticksToMicros(62_500_000n), '1000000');
  assert.equal(w.ticksToMicros(63n), '1.008');
});
