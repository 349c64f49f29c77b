import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGuestImage, detectFormat } from '../../emulator/loader/image';
import { ImageFormatError } from '../../emulator/loader/errors';
import { gzipSync } from 'node:zlib';
import { buildElf, buildLinuxImage, EH64, setU16, setU32, setU64, type BuildOptions } from './elf-builder';
import { LAYOUT, RAM_BASE, code } from './helpers';

const TEXT = 0x4008_0000n;
const DATA = 0x4010_0000n;

function goodElf64(): BuildOptions {
  return {
    entry: TEXT + 0x10n,
    segments: [
      { paddr: TEXT, data: code(0x200), flags: 5 },
      { paddr: DATA, data: code(0x40, 0x11), memSize: 0x1000n, flags: 6 },
    ],
    symbols: [
      { name: '_start', value: TEXT + 0x10n, size: 0x20n, type: 2, bind: 1 },
      { name: 'helper', value: TEXT + 0x40n, size: 0x10n, type: 2, bind: 0 },
      { name: 'counter', value: DATA, size: 8n, type: 1, bind: 1 },
      { name: 'weakling', value: TEXT + 0x80n, size: 4n, type: 2, bind: 2 },
      { name: '__bss_start', value: DATA + 0x40n, type: 0, bind: 1 },
      { name: '$x', value: TEXT, type: 0, bind: 0 },
      { name: '$d', value: DATA, type: 0, bind: 0 },
      { name: '$x.42', value: TEXT + 0x40n, type: 0, bind: 0 },
      { name: 'main.c', value: 0n, type: 4, bind: 0, shndx: 0xfff1 },
      { name: 'undefined_weak', value: 0n, type: 0, bind: 2, shndx: 0 },
    ],
  };
}

test('good ELF64: segments, entry, symbols and mapping symbols', () => {
  const { bytes, segmentOffsets } = buildElf(goodElf64());
  assert.equal(detectFormat(bytes), 'elf');
  const img = loadGuestImage('hello.elf', bytes, LAYOUT);
  assert.equal(img.path, 'hello.elf');
  assert.equal(img.format, 'elf64');
  assert.equal(img.arch, 'aarch64');
  assert.equal(img.entry, TEXT + 0x10n);
  assert.equal(img.isLinux, false);
  assert.equal(img.segments.length, 2);
  assert.deepEqual(
    img.segments.map((s) => [s.paddr, s.data.length, s.memSize]),
    [
      [TEXT, 0x200, 0x200n],
      [DATA, 0x40, 0x1000n],
    ],
  );
  // Views into the file, not copies.
  assert.equal(img.segments[0].data.buffer, bytes.buffer);
  assert.equal(img.segments[0].data.byteOffset, segmentOffsets[0]);
  assert.equal(img.segments[1].data[0], 0x11);
  assert.equal(img.end, DATA + 0x1000n);
  assert.deepEqual(
    img.symbols.map((s) => [s.name, s.value, s.size, s.kind, s.global]),
    [
      ['_start', TEXT + 0x10n, 0x20n, 'func', true],
      ['helper', TEXT + 0x40n, 0x10n, 'func', false],
      ['weakling', TEXT + 0x80n, 4n, 'func', true],
      ['counter', DATA, 8n, 'object', true],
      ['__bss_start', DATA + 0x40n, 0n, 'other', true],
    ],
  );
  assert.deepEqual(img.mappingSymbols, [
    { name: '$x', value: TEXT },
    { name: '$x.42', value: TEXT + 0x40n },
    { name: '$d', value: DATA },
  ]);
});

test('good ELF32 (ARM): segments, entry, symbols', () => {
  const { bytes } = buildElf({
    is64: false,
    entry: TEXT,
    segments: [{ paddr: TEXT, data: code(0x100) }],
    symbols: [
      { name: 'reset', value: TEXT, size: 4n, type: 2, bind: 1 },
      { name: 'thumb_fn', value: TEXT + 0x21n, size: 8n, type: 2, bind: 1 },
      { name: '$a', value: TEXT },
      { name: '$t', value: TEXT + 0x20n },
    ],
  });
  const img = loadGuestImage('arm.elf', bytes, LAYOUT);
  assert.equal(img.format, 'elf32');
  assert.equal(img.arch, 'arm');
  assert.equal(img.entry, TEXT);
  assert.deepEqual(img.segments.map((s) => [s.paddr, s.memSize]), [[TEXT, 0x100n]]);
  assert.deepEqual(img.symbols.map((s) => [s.name, s.value]), [
    ['reset', TEXT],
    ['thumb_fn', TEXT + 0x21n],
  ]);
  assert.deepEqual(img.mappingSymbols.map((m) => m.name), ['$a', '$t']);
});

test('ELF without a section header table loads with no symbols', () => {
  const { bytes } = buildElf({ ...goodElf64(), noSections: true });
  const img = loadGuestImage('stripped.elf', bytes, LAYOUT);
  assert.equal(img.symbols.length, 0);
  assert.equal(img.mappingSymbols.length, 0);
  assert.equal(img.entry, TEXT + 0x10n);
});

test('segments load at p_paddr; e_entry is translated when p_vaddr differs (like QEMU)', () => {
  const { bytes } = buildElf({
    entry: 0xffff_0000_0000_0100n,
    segments: [{ paddr: RAM_BASE, vaddr: 0xffff_0000_0000_0000n, data: code(0x200), flags: 5 }],
  });
  const img = loadGuestImage('high.elf', bytes, LAYOUT);
  assert.equal(img.segments[0].paddr, RAM_BASE);
  assert.equal(img.entry, RAM_BASE + 0x100n);
});

test('flash and RAM segments; zero-size PT_LOAD and non-LOAD headers are ignored', () => {
  const { bytes } = buildElf({
    entry: 0n,
    segments: [
      { paddr: 0n, data: code(0x100) },
      { paddr: 0x100n, data: new Uint8Array(0), memSize: 0n },
      { paddr: 0x5000n, data: code(0x10), type: 4 /* PT_NOTE */ },
      { paddr: RAM_BASE, data: new Uint8Array(0), memSize: 0x10000n, flags: 6 },
    ],
  });
  const img = loadGuestImage('bios.elf', bytes, LAYOUT);
  assert.deepEqual(img.segments.map((s) => [s.paddr, s.data.length, s.memSize]), [
    [0n, 0x100, 0x100n],
    [RAM_BASE, 0, 0x10000n],
  ]);
  assert.equal(img.end, RAM_BASE + 0x10000n);
});

test('a vmlinux-looking ELF is flagged isLinux', () => {
  const o = goodElf64();
  o.symbols = [...(o.symbols ?? []), { name: 'linux_banner', value: DATA, size: 8n, type: 1, bind: 1 }];
  assert.equal(loadGuestImage('vmlinux', buildElf(o).bytes, LAYOUT).isLinux, true);
});

// Correctness only: speed belongs in `npm run bench`, a timed assertion flakes on a loaded host.
test('a 30 MB ELF with 20,000 symbols loads whole', (t) => {
  const big = 30 * 1024 * 1024;
  const symbols = Array.from({ length: 20000 }, (_, i) => ({ name: `fn_${i}`, value: TEXT + BigInt(i * 16), size: 16n, type: 2, bind: 1 }));
  const { bytes } = buildElf({ entry: TEXT, segments: [{ paddr: TEXT, data: new Uint8Array(big) }], symbols });
  loadGuestImage('warm.elf', bytes, LAYOUT); // warm up the JIT
  const t0 = performance.now();
  const img = loadGuestImage('big.elf', bytes, LAYOUT);
  const ms = performance.now() - t0;
  assert.equal(img.segments[0].data.length, big);
  assert.equal(img.symbols.length, 20000);
  t.diagnostic(`30 MB ELF with 20000 symbols: ${ms.toFixed(1)} ms`);
});

test('random corruption of a good ELF only ever throws ImageFormatError', () => {
  const { bytes: good } = buildElf(goodElf64());
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let failures = 0;
  for (let round = 0; round < 3000; round++) {
    const b = good.slice();
    const flips = 1 + rand(4);
    for (let k = 0; k < flips; k++) b[rand(round % 2 === 0 ? 0x100 : b.length)] = rand(256);
    const cut = rand(10) === 0 ? rand(b.length) : b.length;
    try {
      loadGuestImage('fuzz.elf', b.subarray(0, cut), LAYOUT, { format: 'elf' });
    } catch (e) {
      if (!(e instanceof ImageFormatError)) assert.fail(`round ${round}: ${String(e)}`);
      failures++;
    }
  }
  assert.ok(failures > 100);
});

test('extended numbering: e_phnum PN_XNUM and e_shnum 0 take their counts from section 0', () => {
  const e = buildElf(goodElf64());
  const b = e.bytes;
  setU16(b, EH64.phnum, 0xffff);
  setU32(b, e.shoff + 44, 2); // section 0 sh_info = real e_phnum
  setU16(b, EH64.shnum, 0);
  setU64(b, e.shoff + 32, 5n); // section 0 sh_size = real e_shnum
  const img = loadGuestImage('xnum.elf', b, LAYOUT);
  assert.equal(img.segments.length, 2);
  assert.equal(img.symbols.length, 5);
});

test('random corruption of Image and Image.gz only ever throws ImageFormatError', () => {
  const image = buildLinuxImage({ textOffset: 0x80000n, imageSize: 0x10_0000n, body: code(0x400) });
  const gz = new Uint8Array(gzipSync(image));
  let seed = 777;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 2000; round++) {
    const src = round % 2 === 0 ? image : gz;
    const b = src.slice(0, rand(8) === 0 ? rand(src.length) : src.length);
    for (let k = 0; k < 3; k++) b[rand(Math.max(1, Math.min(b.length, 0x60)))] = rand(256);
    try {
      loadGuestImage('fuzz.img', b, LAYOUT, round % 3 === 0 ? { format: 'image' } : {});
    } catch (e) {
      if (!(e instanceof ImageFormatError)) assert.fail(`round ${round}: ${String(e)}`);
    }
  }
});
