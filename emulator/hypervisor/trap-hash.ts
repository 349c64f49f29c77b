// A digest of trap logs, printed by deterministic runs so that two runs can be compared at a glance:
// every record still in each ring (class, persona, vCPU, EL, PC, virtual time, a0..a3, result),
// and each log's total and per-class counts (which also cover records the ring overwrote).
import { createHash } from 'node:crypto';
import type { TrapLog } from './trap-log';

export function trapLogHash(logs: readonly TrapLog[]): string {
  const h = createHash('sha256');
  for (const log of logs) {
    h.update(`total ${log.total} counts ${log.counts().join(',')}\n`);
    for (const r of log.recent()) {
      h.update(`${r.seq} ${r.class} ${r.persona} ${r.vcpu} ${r.el} ${r.pc} ${r.vtime} ${r.a0} ${r.a1} ${r.a2} ${r.a3} ${r.result}\n`);
    }
  }
  return `sha256:${h.digest('hex')}`;
}
