// The trap feed behind `personaTraps`: new records only, contract class names, virtual ns, symbols
// and source lines, channel ends, the batch limit with the rest counted as dropped, exact counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractClass, TrapFeed, type FeedPersona } from '../../debug-adapter/debugger/trap-feed';
import { PERSONA_HVC } from '../../emulator/hypervisor/hypercalls/persona-abi';
import { TrapClass } from '../../emulator/hypervisor/trap-class';
import { TrapLog } from '../../emulator/hypervisor/trap-log';

function persona(index: number, name: string, capacity = 64): FeedPersona & { log: TrapLog } {
  const log = new TrapLog(capacity);
  return {
    index, name, log, persona: { trapLog: log },
    symbols: {
      functionName: (pc) => (pc >= 0x40080000n && pc < 0x40080100n ? 'phone_init' : undefined),
      location: (pc) => (pc === 0x40080010n ? { file: '/src/work/main.c', line: 23 } : undefined),
    },
  };
}

test('new records become contract entries; nothing new is no batch', () => {
  const work = persona(1, 'work');
  const feed = new TrapFeed(() => [work], (id) => (id === 0 ? 'chat' : undefined));
  assert.equal(feed.poll(), undefined);
  work.log.append({ vtime: 62_500n, persona: 1, vcpu: 0, el: 1, class: TrapClass.Hypercall, pc: 0x40080010n, a0: PERSONA_HVC.WHOAMI, result: 0n });
  work.log.append({ vtime: 125_000n, persona: 1, vcpu: 0, el: 1, class: TrapClass.DataAbort, pc: 0x50000000n, a0: 0x96000010n, a1: 0xa100000n });
  work.log.append({ vtime: 187_500n, persona: 1, vcpu: 0, el: 1, class: TrapClass.Channel, pc: 0x40080020n, a0: 0n, a1: 1n, a2: 3n, a3: 0n });
  const b = feed.poll();
  assert.ok(b);
  assert.equal(b.entries.length, 3);
  const [hvc, abort, chan] = b.entries;
  assert.deepEqual(hvc, { persona: 'work', vcpu: 0, time: 1_000_000, pc: '0x40080010', class: 'hypercall', summary: 'PERSONA_WHOAMI() -> 0x0', symbol: 'phone_init', source: { path: '/src/work/main.c', line: 23 } });
  assert.equal(abort!.class, 'abort');
  assert.match(abort!.summary, /^FAR=0xa100000/);
  assert.equal(abort!.symbol, undefined);
  assert.deepEqual(chan!.channel, { id: 0, dir: 'receive', peer: 'persona0' });
  assert.match(chan!.summary, /chat#0 receive <-/);
  assert.deepEqual(b.counts, { work: { hypercall: 1, abort: 1, channel: 1 } });
  assert.equal(b.dropped, 0);
  assert.equal(feed.poll(), undefined, 'the same records are not sent twice');
});

test('over the limit the classes share it: rare ones whole, the storm cut to its newest', () => {
  const work = persona(0, 'work', 4096);
  const feed = new TrapFeed(() => [work]);
  work.log.append({ vtime: 1n, persona: 0, vcpu: 0, el: 1, class: TrapClass.Hypercall, pc: 0n, a0: PERSONA_HVC.WHOAMI });
  for (let i = 0; i < 1000; i++) work.log.append({ vtime: BigInt(10 + i), persona: 0, vcpu: 0, el: 1, class: TrapClass.Mmio, pc: 0n, a0: 3n, a3: 0x101n });
  for (let i = 0; i < 30; i++) work.log.append({ vtime: BigInt(2000 + i), persona: 0, vcpu: 0, el: 1, class: TrapClass.Irq, pc: 0n, a0: 27n });
  const b = feed.poll(100)!;
  const by = (c: string) => b.entries.filter((e) => e.class === c);
  assert.equal(b.entries.length, 100);
  assert.equal(by('hypercall').length, 1, 'the one hypercall is kept');
  assert.equal(by('irq').length, 30, 'the 30 interrupts fit in their share');
  assert.equal(by('device').length, 69, 'the UART storm gets the rest, its newest');
  assert.equal(by('device')[0]!.time, Math.round((10 + 1000 - 69) * 16));
  assert.equal(b.dropped, 1031 - 100);
  assert.ok(b.entries.every((e, i, a) => i === 0 || a[i - 1]!.time <= e.time));
});

test('over the limit the newest are sent; ring overwrites count as dropped; counts stay exact', () => {
  const work = persona(0, 'work', 16);
  const personal = persona(1, 'personal');
  const feed = new TrapFeed(() => [work, personal]);
  for (let i = 0; i < 40; i++) work.log.append({ vtime: BigInt(i * 100), persona: 0, vcpu: 0, el: 1, class: TrapClass.Irq, pc: 0n, a0: 27n });
  personal.log.append({ vtime: 50n, persona: 1, vcpu: 0, el: 0, class: TrapClass.Svc, pc: 0n, a0: 0x56000000n });
  const b = feed.poll(10);
  assert.ok(b);
  assert.equal(b.entries.length, 10);
  assert.equal(b.dropped, 24 + 7, '24 overwritten in the ring, 7 over the batch limit');
  assert.deepEqual(b.counts, { work: { irq: 40 }, personal: { svc: 1 } });
  assert.equal(b.entries.at(-1)!.time, 39 * 1600, 'the newest is last');
  assert.ok(b.entries.every((e, i, a) => i === 0 || a[i - 1]!.time <= e.time), 'in virtual-time order across personas');
});

test('every emulator class maps to a contract class', () => {
  for (let c = 0; c <= TrapClass.Channel; c++) assert.match(contractClass(c as TrapClass), /^(hypercall|svc|abort|undefined|irq|isolation|device|sysreg|wfi|channel|other)$/);
  assert.equal(contractClass(TrapClass.IsolationViolation), 'isolation');
  assert.equal(contractClass(TrapClass.Mmio), 'device');
});
