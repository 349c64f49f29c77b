import { test } from "node:test";
import assert from "node:assert/strict";
import { VirtioMmioEmpty } from "../../../emulator/platform/virtio-mmio-empty";
import { PcieEcamEmpty } from "../../../emulator/platform/pcie-ecam-empty";

test("empty virtio-mmio slot: magic, legacy version, device 0, QEMU vendor", () => {
  const v = new VirtioMmioEmpty();
  assert.equal(v.read(0x000, 4), 0x74726976);
  assert.equal(v.read(0x004, 4), 1);
  assert.equal(v.read(0x008, 4), 0);
  assert.equal(v.read(0x00c, 4), 0x554d4551);
  assert.equal(v.read(0x034, 4), 0);
  assert.equal(v.read(0x070, 4), 0);
  assert.equal(v.read(0x000, 1), 0x76);
  v.write(0x070, 4, 0xf);
  assert.equal(v.read(0x070, 4), 0, "writes ignored");
  assert.equal(v.registerName(0x008), "DeviceID");
});

function cfg(bus: number, dev: number, fn: number, reg: number): number {
  return (bus << 20) | (dev << 15) | (fn << 12) | reg;
}

test("ECAM: host bridge at 00:00.0 has QEMU's IDs", () => {
  const e = new PcieEcamEmpty();
  assert.equal(e.read(0, 4), 0x0008_1b36);
  assert.equal(e.read(0, 2), 0x1b36);
  assert.equal(e.read(2, 2), 0x0008);
  assert.equal(e.read(0x08, 4) >>> 8, 0x060000);
  assert.equal(e.read(0x0e, 1), 0, "header type 0");
  assert.equal(e.read(0x2c, 4), 0x1100_1af4);
  assert.equal(e.read(0x10, 4), 0, "no BARs");
  assert.equal(e.read(0x100, 4), 0xffff_ffff, "conventional function: no extended space");
});

test("ECAM: host bridge command bits are writable, IDs are not", () => {
  const e = new PcieEcamEmpty();
  e.write(0x04, 4, 0xffff_ffff);
  assert.equal(e.read(0x04, 2), 0x0507);
  assert.equal(e.read(0x06, 2), 0, "status unchanged");
  e.write(0x00, 4, 0);
  assert.equal(e.read(0, 4), 0x0008_1b36);
  e.write(0x3c, 1, 0x2a);
  assert.equal(e.read(0x3c, 1), 0x2a);
});

test("ECAM: absent functions read all-ones at every width and ignore writes", () => {
  const e = new PcieEcamEmpty();
  for (const off of [cfg(0, 1, 0, 0), cfg(0, 0, 1, 0), cfg(1, 0, 0, 0), cfg(15, 31, 7, 0xffc)]) {
    assert.equal(e.read(off, 4), 0xffff_ffff);
    assert.equal(e.read(off, 2), 0xffff);
    assert.equal(e.read(off, 1), 0xff);
    e.write(off, 4, 0);
    assert.equal(e.read(off, 4), 0xffff_ffff);
  }
  assert.equal(e.registerName(cfg(0, 1, 2, 0)), "0:1.2 VendorID");
});
