// Doorbells use GicV2.setPending: the interrupt must stay pending whatever its configuration, or a
// doorbell that arrives before the guest waits for it is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GicV2 } from '../../../emulator/platform/gicv2';

test('setPending latches a level-configured SPI until the guest acknowledges it', () => {
  const signals: boolean[] = [];
  const gic = new GicV2(1, () => 0, (_c, p) => signals.push(p));
  const d = gic.distributor;
  const c = gic.cpuInterface;
  d.write(0x000, 4, 1); // GICD_CTLR
  c.write(0x004, 4, 0xff); // GICC_PMR
  c.write(0x000, 4, 1); // GICC_CTLR
  d.write(0x100 + 4, 4, 1 << 8); // enable INTID 40 (level-sensitive by default)
  d.write(0x800 + 40, 1, 1); // target CPU 0
  gic.setPending(40);
  assert.deepEqual(signals, [true]);
  assert.equal(c.read(0x00c, 4), 40, 'GICC_IAR');
  c.write(0x010, 4, 40); // EOI
  assert.equal(c.read(0x00c, 4), 1023, 'not pending again: it was one doorbell');
  assert.throws(() => gic.setPending(27), RangeError);
});
