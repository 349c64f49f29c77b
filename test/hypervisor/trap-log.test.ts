import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { TrapClass, TRAP_CLASS_COUNT } from '../../emulator/hypervisor/trap-class';
import { TrapLog, TRAP_LOG_DEFAULT_CAPACITY } from '../../emulator/hypervisor/trap-log';

// When this bundle runs as a worker it is the writer side of the cross-thread test.
if (!isMainThread) {
  const { buffer, n } = workerData as { buffer: SharedArrayBuffer; n: number };
  const log = TrapLog.attach(buffer);
  for (let i = 0; i < n; i++) log.appendRaw(i % 3 === 0 ? TrapClass.Mmio : TrapClass.Hypercall, 1, i & 1, 1, 0x4008_0000 + i * 4, i * 10, i, 0, 0, 0, -1);
  parentPort?.postMessage('done');
} else {
  tests();
}

function tests(): void {
  test('append and read back, 64-bit values exact', () => {
    const log = new TrapLog(8);
    assert.equal(log.total, 0);
    assert.deepEqual(log.recent(), []);
    log.append({ vtime: 62_500n, persona: 2, vcpu: 1, el: 1, class: TrapClass.Hypercall, pc: 0x4008_0123n, a0: 0x8400_0000, result: 0x10001 });
    log.append({ vtime: 0xffff_ffff_ffff_fff0n, persona: 0xffff, vcpu: 3, el: 0, class: TrapClass.DataAbort, pc: 0xffff_8000_1234_5678n, a0: 0x9600_0050, a1: 0xdead_beef_cafe_f00dn, a2: 2 ** 40 + 7, a3: 5n, result: -1 });
    assert.equal(log.total, 2);
    const [a, b] = log.recent();
    assert.deepEqual(a, { seq: 1, vtime: 62_500n, persona: 2, vcpu: 1, el: 1, class: TrapClass.Hypercall, pc: 0x4008_0123n, a0: 0x8400_0000n, a1: 0n, a2: 0n, a3: 0n, result: 0x10001n });
    assert.equal(b!.seq, 2);
    assert.equal(b!.vtime, 0xffff_ffff_ffff_fff0n);
    assert.equal(b!.persona, 0xffff);
    assert.equal(b!.class, TrapClass.DataAbort);
    assert.equal(b!.pc, 0xffff_8000_1234_5678n);
    assert.equal(b!.a1, 0xdead_beef_cafe_f00dn);
    assert.equal(b!.a2, 2n ** 40n + 7n);
    assert.equal(b!.result, 0xffff_ffff_ffff_ffffn, 'negative numbers are stored as two\'s complement');
    assert.equal(log.get(1)?.a0, 0x8400_0000n);
    assert.equal(log.get(3), undefined);
  });

  test('the ring keeps the newest records; counters count everything', () => {
    const log = new TrapLog(4);
    for (let i = 0; i < 10; i++) log.append({ vtime: i, persona: 0, vcpu: 0, el: 1, class: i < 7 ? TrapClass.Svc : TrapClass.Irq, pc: i });
    assert.equal(log.total, 10);
    assert.equal(log.dropped(), 6);
    assert.deepEqual(log.recent().map((r) => r.seq), [7, 8, 9, 10]);
    assert.deepEqual(log.recent(2).map((r) => r.seq), [9, 10]);
    assert.deepEqual(log.since(8).map((r) => r.seq), [9, 10]);
    assert.deepEqual(log.since(0).map((r) => r.seq), [7, 8, 9, 10]);
    assert.deepEqual(log.since(10), []);
    const counts = log.counts();
    assert.equal(counts.length, TRAP_CLASS_COUNT);
    assert.equal(counts[TrapClass.Svc], 7);
    assert.equal(counts[TrapClass.Irq], 3);
    assert.equal(log.count(TrapClass.Svc), 7);
    assert.equal(counts.reduce((x, y) => x + y, 0), 10);
    log.clear();
    assert.equal(log.total, 0);
    assert.equal(log.dropped(), 0);
    assert.deepEqual(log.recent(), []);
    assert.equal(log.count(TrapClass.Svc), 0);
    log.append({ vtime: 1, persona: 0, vcpu: 0, el: 1, class: TrapClass.Wfi, pc: 0 });
    assert.deepEqual(log.recent().map((r) => [r.seq, r.class]), [[1, TrapClass.Wfi]]);
  });

  test('memory stays fixed under a storm of millions of appends', () => {
    const log = new TrapLog(1024);
    const bytes = log.buffer.byteLength;
    const heapBefore = process.memoryUsage().heapUsed;
    const n = 3_000_000;
    for (let i = 0; i < n; i++) log.appendRaw((i % TRAP_CLASS_COUNT) as TrapClass, 0, 0, 1, 0x4000_0000 + i, i, i, i + 1, 0, 0, 0);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    assert.equal(log.buffer.byteLength, bytes);
    assert.ok(heapGrowth < 32 * 1024 * 1024, `heap grew by ${heapGrowth} bytes`);
    assert.equal(log.total, n);
    assert.equal(log.dropped(), n - 1024);
    const rec = log.recent();
    assert.equal(rec.length, 1024);
    assert.equal(rec[0]!.seq, n - 1023);
    assert.equal(rec[1023]!.seq, n);
    assert.equal(rec[1023]!.a1, BigInt(n));
    assert.equal(log.counts().reduce((x, y) => x + y, 0), n);
  });

  test('default capacity and buffer validation', () => {
    const log = new TrapLog();
    assert.equal(log.capacity, TRAP_LOG_DEFAULT_CAPACITY);
    assert.ok(log.buffer instanceof SharedArrayBuffer);
    assert.throws(() => new TrapLog(0), RangeError);
    assert.throws(() => new TrapLog(16, new SharedArrayBuffer(100)), /cannot hold 16 records/);
    assert.throws(() => TrapLog.attach(new SharedArrayBuffer(4096)), /bad magic/);
    const shared = new SharedArrayBuffer(TrapLog.byteLength(16));
    const w = new TrapLog(16, shared);
    w.append({ vtime: 5, persona: 1, vcpu: 0, el: 1, class: TrapClass.Mmio, pc: 0 });
    const r = TrapLog.attach(shared);
    assert.equal(r.capacity, 16);
    assert.equal(r.total, 1);
    assert.equal(new TrapLog(16, shared).total, 1, 'an existing log is attached, not reset');
    assert.throws(() => new TrapLog(8, shared), /capacity 16, not 8/);
  });

  test('a worker writes, the main thread reads the same buffer', async () => {
    const buffer = new SharedArrayBuffer(TrapLog.byteLength(256));
    const log = new TrapLog(256, buffer);
    const n = 100_000;
    const worker = new Worker(__filename, { workerData: { buffer, n } });
    // Read while it writes: every batch must be internally consistent.
    let lastSeq = 0;
    let seen = 0;
    const done = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      for (const r of log.since(lastSeq)) {
        assert.ok(r.seq > lastSeq);
        const i = r.seq - 1;
        assert.equal(r.a0, BigInt(i), `record ${r.seq} is torn`);
        assert.equal(r.pc, BigInt(0x4008_0000 + i * 4));
        assert.equal(r.vtime, BigInt(i * 10));
        assert.equal(r.class, i % 3 === 0 ? TrapClass.Mmio : TrapClass.Hypercall);
        lastSeq = r.seq;
        seen++;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await done;
    await worker.terminate();
    assert.equal(log.total, n);
    assert.equal(log.count(TrapClass.Mmio), Math.ceil(n / 3));
    assert.equal(log.count(TrapClass.Hypercall), n - Math.ceil(n / 3));
    assert.equal(log.recent(1)[0]!.result, 0xffff_ffff_ffff_ffffn);
    assert.ok(seen > 0);
  });
}
