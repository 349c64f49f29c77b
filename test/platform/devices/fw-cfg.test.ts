import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FW_CFG, FwCfg, type GuestDma } from '../../../emulator/platform/fw-cfg';
import { readWide, writeWide } from '../../../emulator/platform/virt-platform';

const RAM_BASE = 0x4000_0000n;

/** A fake RAM for the DMA path. */
function ram(size = 0x10000): { bytes: Uint8Array; dma: GuestDma } {
  const bytes = new Uint8Array(size);
  const inRam = (pa: bigint, n: number) => pa >= RAM_BASE && pa + BigInt(n) <= RAM_BASE + BigInt(size);
  return {
    bytes,
    dma: {
      read: (pa, n) => (inRam(pa, n) ? bytes.subarray(Number(pa - RAM_BASE), Number(pa - RAM_BASE) + n) : undefined),
      write: (pa, b) => (inRam(pa, b.length) ? (bytes.set(b, Number(pa - RAM_BASE)), true) : false),
    },
  };
}

const bswap16 = (v: number) => ((v & 0xff) << 8) | (v >> 8);
/** What a little-endian CPU storing cpu_to_be16(key) at the selector writes. */
const selectKey = (d: FwCfg, key: number) => d.write(0x08, 2, bswap16(key));

/** Reads `n` bytes of the selected item through the data register as a guest would (any widths). */
function readData(d: FwCfg, widths: (1 | 2 | 4 | 8)[]): Uint8Array {
  const out: number[] = [];
  for (const w of widths) {
    const v = BigInt(readWide(d, 0, w));
    for (let i = 0; i < w; i++) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  }
  return Uint8Array.from(out);
}

test('fw_cfg: signature and feature bits through the data register, in memory order at any width', () => {
  const d = new FwCfg({ ramBytes: 128n << 20n, cpus: 2 }, ram().dma);
  selectKey(d, FW_CFG.SIGNATURE);
  assert.equal(Buffer.from(readData(d, [4])).toString('latin1'), 'QEMU');
  selectKey(d, FW_CFG.SIGNATURE); // selecting rewinds
  assert.equal(Buffer.from(readData(d, [1, 1, 2])).toString('latin1'), 'QEMU');
  selectKey(d, FW_CFG.ID);
  assert.equal(readData(d, [4])[0]! & 3, 3, 'traditional interface and DMA');
  selectKey(d, FW_CFG.NB_CPUS);
  assert.deepEqual([...readData(d, [2])], [2, 0]);
  selectKey(d, FW_CFG.RAM_SIZE);
  assert.deepEqual([...readData(d, [8])], [0, 0, 0, 8, 0, 0, 0, 0], '64-bit reads split by the bus stay in order');
  assert.deepEqual([...readData(d, [4])], [0, 0, 0, 0], 'past the end: zeros');
  selectKey(d, FW_CFG.KERNEL_SIZE);
  assert.deepEqual([...readData(d, [4])], [0, 0, 0, 0], 'no kernel: an absent item reads as zeros');
  assert.equal(d.registerName(0x08), 'FW_CFG_SELECTOR');
});

test('fw_cfg: DMA signature, then a DMA read of the file directory with select, written to RAM', () => {
  const { bytes, dma } = ram();
  const d = new FwCfg({ ramBytes: 64n << 20n, cpus: 1, files: [{ name: 'etc/boot-fail-wait', data: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }] }, dma);
  assert.equal(Buffer.from(new Uint32Array([d.read(0x10, 4), d.read(0x14, 4)]).buffer).toString('latin1'), 'QEMU CFG');
  // FWCfgDmaAccess at RAM+0x100: control = SELECT|READ with key FILE_DIR, length 68, address RAM+0x200.
  const req = new DataView(bytes.buffer, 0x100, 16);
  req.setUint32(0, (FW_CFG.FILE_DIR << 16) | 0x08 | 0x02);
  req.setUint32(4, 68);
  req.setBigUint64(8, RAM_BASE + 0x200n);
  // The guest writes cpu_to_be64(address) as one 64-bit store.
  const be = new DataView(new ArrayBuffer(8));
  be.setBigUint64(0, RAM_BASE + 0x100n);
  writeWide(d, 0x10, 8, be.getBigUint64(0, true));
  assert.equal(req.getUint32(0), 0, 'control cleared: done, no error');
  const dir = new DataView(bytes.buffer, 0x200, 68);
  assert.equal(dir.getUint32(0), 1, 'one file');
  assert.equal(dir.getUint32(4), 4, 'its size');
  assert.equal(dir.getUint16(8), FW_CFG.FILE_FIRST, 'its key');
  assert.equal(Buffer.from(bytes.subarray(0x200 + 12, 0x200 + 12 + 18)).toString('latin1'), 'etc/boot-fail-wait');
  // A DMA write is refused (items are read-only): ERROR comes back.
  req.setUint32(0, (FW_CFG.FILE_FIRST << 16) | 0x08 | 0x10);
  req.setUint32(4, 4);
  writeWide(d, 0x10, 8, be.getBigUint64(0, true));
  assert.equal(req.getUint32(0), 1);
});

test('fw_cfg: a kernel for the firmware, and its state survives a snapshot', () => {
  const d = new FwCfg({ ramBytes: 64n << 20n, cpus: 1, kernel: { image: Uint8Array.of(1, 2, 3, 4, 5), cmdline: 'console=ttyAMA0' } }, ram().dma);
  selectKey(d, FW_CFG.KERNEL_SIZE);
  assert.deepEqual([...readData(d, [4])], [5, 0, 0, 0]);
  selectKey(d, FW_CFG.KERNEL_DATA);
  assert.deepEqual([...readData(d, [2])], [1, 2]);
  const saved = d.saveState();
  const e = new FwCfg({ ramBytes: 64n << 20n, cpus: 1, kernel: { image: Uint8Array.of(1, 2, 3, 4, 5) } }, ram().dma);
  e.restoreState(saved);
  assert.deepEqual([...readData(e, [2])], [3, 4], 'reading goes on where it was');
  selectKey(d, FW_CFG.CMDLINE_DATA);
  assert.equal(Buffer.from(readData(d, [8, 8])).toString('latin1'), 'console=ttyAMA0\0');
  assert.throws(() => new FwCfg({ ramBytes: 0n, cpus: 1 }, ram().dma).restoreState({ key: FW_CFG.KERNEL_DATA, offset: 0, dmaHigh: 0 }), /not an item/);
});
