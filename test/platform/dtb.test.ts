// Tests for the FDT writer and the QEMU-virt device tree. External oracles: `dtc` decodes our blob,
// and `qemu-system-aarch64 -M virt,highmem=off,dumpdtb=...` gives the tree we are modelled on (each
// is skipped with a message when the tool is missing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
  FdtNode,
  PhandleAllocator,
  fdtValue,
  serializeFdt,
} from '../../emulator/platform/fdt-writer';
import { buildVirtDtb, dtbPlacement, elfLeavesRoomForDtb, initrdPlacement, type VirtDtbConfig } from '../../emulator/platform/virt-dtb';
import { VIRT } from '../../emulator/platform/virt-map';
import { haveTool } from '../helpers/project';

// ---------------------------------------------------------------------------------------------
// A small DTB reader (walks the structure block; independent of the writer's code).

interface ParsedNode {
  name: string;
  props: Map<string, Uint8Array>;
  children: ParsedNode[];
}
interface ParsedFdt {
  totalSize: number;
  version: number;
  lastCompVersion: number;
  bootCpuidPhys: number;
  offStruct: number;
  offStrings: number;
  offRsvmap: number;
  sizeStrings: number;
  sizeStruct: number;
  reservations: Array<{ address: bigint; size: bigint }>;
  root: ParsedNode;
}

function parseFdt(bytes: Uint8Array): ParsedFdt {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (o: number): number => dv.getUint32(o);
  assert.equal(u32(0), FDT_MAGIC, 'magic');
  const h = {
    totalSize: u32(4),
    offStruct: u32(8),
    offStrings: u32(12),
    offRsvmap: u32(16),
    version: u32(20),
    lastCompVersion: u32(24),
    bootCpuidPhys: u32(28),
    sizeStrings: u32(32),
    sizeStruct: u32(36),
  };
  assert.equal(h.totalSize, bytes.length, 'totalsize');
  const reservations: Array<{ address: bigint; size: bigint }> = [];
  for (let o = h.offRsvmap; ; o += 16) {
    const address = dv.getBigUint64(o);
    const size = dv.getBigUint64(o + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }
  const str = (o: number): string => {
    let e = o;
    while (bytes[e] !== 0) e++;
    return Buffer.from(bytes.subarray(o, e)).toString('utf8');
  };
  let p = h.offStruct;
  const end = h.offStruct + h.sizeStruct;
  const stack: ParsedNode[] = [];
  let root: ParsedNode | undefined;
  for (;;) {
    assert.ok(p < end, 'structure block overrun');
    const tok = u32(p);
    p += 4;
    if (tok === FDT_BEGIN_NODE) {
      const name = str(p);
      p += (Buffer.byteLength(name) + 1 + 3) & ~3;
      const node: ParsedNode = { name, props: new Map(), children: [] };
      if (stack.length > 0) stack[stack.length - 1].children.push(node);
      else root = node;
      stack.push(node);
    } else if (tok === FDT_PROP) {
      const len = u32(p);
      const nameOff = u32(p + 4);
      p += 8;
      assert.ok(nameOff < h.sizeStrings, 'property name offset inside strings block');
      const top = stack[stack.length - 1];
      assert.ok(top, 'property outside a node');
      top.props.set(str(h.offStrings + nameOff), bytes.slice(p, p + len));
      p += (len + 3) & ~3;
    } else if (tok === FDT_END_NODE) {
      assert.ok(stack.pop(), 'unbalanced END_NODE');
    } else if (tok === FDT_NOP) {
      continue;
    } else if (tok === FDT_END) {
      break;
    } else {
      assert.fail(`bad token 0x${tok.toString(16)} at 0x${(p - 4).toString(16)}`);
    }
  }
  assert.equal(stack.length, 0, 'unterminated node');
  assert.equal(p, end, 'FDT_END ends the structure block');
  assert.ok(root, 'no root node');
  return { ...h, reservations, root };
}

function walk(n: ParsedNode, path: string, out: Map<string, ParsedNode>): Map<string, ParsedNode> {
  out.set(path, n);
  for (const c of n.children) walk(c, path === '/' ? `/${c.name}` : `${path}/${c.name}`, out);
  return out;
}
const nodesOf = (f: ParsedFdt): Map<string, ParsedNode> => walk(f.root, '/', new Map());
const cells = (v: Uint8Array | undefined): number[] => {
  assert.ok(v, 'property missing');
  const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
  return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(i * 4));
};
const strings = (v: Uint8Array | undefined): string[] => {
  assert.ok(v, 'property missing');
  return Buffer.from(v).toString('utf8').replace(/\0$/, '').split('\0');
};
const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('hex') : '(absent)');

const HAVE_DTC = haveTool('dtc');
const HAVE_QEMU = haveTool('qemu-system-aarch64');
const NO_DTC = HAVE_DTC ? false : 'dtc not installed (apt-get install device-tree-compiler)';
const NO_QEMU = HAVE_QEMU ? false : 'qemu-system-aarch64 not installed (apt-get install qemu-system-arm)';

const MIB = 1n << 20n;
const RAM = VIRT.ram.base;
const base: VirtDtbConfig = { ramBase: RAM, ramSize: 128n * MIB, cpus: 2 };

function decompile(dtb: Uint8Array): { dts: string; stderr: string } {
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], { input: Buffer.from(dtb), encoding: 'utf8' });
  assert.equal(r.status, 0, `dtc failed: ${r.stderr}`);
  return { dts: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// (1) dtc decodes our blob, without warnings, and the key nodes are there.

test('dtc decodes the virt DTB and sees the key nodes and properties', { skip: NO_DTC }, () => {
  const { dts, stderr } = decompile(buildVirtDtb({ ...base, bootargs: 'console=ttyAMA0' }));
  assert.equal(stderr.trim(), '', `dtc warnings:\n${stderr}`);
  const expect = [
    /compatible = "linux,dummy-virt";/,
    /model = "linux,dummy-virt";/,
    /#address-cells = <0x02>;\n\tcompatible/,
    /memory@40000000 \{\n\t\tdevice_type = "memory";\n\t\treg = <0x00 0x40000000 0x00 0x8000000>;/,
    /chosen \{\n\t\tstdout-path = "\/pl011@9000000";\n\t\tbootargs = "console=ttyAMA0";/,
    /compatible = "arm,psci-1.0\\0arm,psci-0.2\\0arm,psci";\n\t\tmethod = "hvc";/,
    /cpu_on = <0xc4000003>;/,
    /cpu@1 \{[^}]*compatible = "arm,cortex-a72";\n\t\t\treg = <0x01>;\n\t\t\tenable-method = "psci";/,
    /timer \{\n\t\tcompatible = "arm,armv8-timer\\0arm,armv7-timer";\n\t\talways-on;\n\t\tinterrupts = <0x01 0x0d 0x304 0x01 0x0e 0x304 0x01 0x0b 0x304 0x01 0x0a 0x304>;/,
    /intc@8000000 \{\n\t\tphandle = <0x8003>;\n\t\tcompatible = "arm,cortex-a15-gic";\n\t\t#interrupt-cells = <0x03>;\n\t\tinterrupt-controller;/,
    /reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;/,
    /v2m@8020000 \{[^}]*msi-controller;/,
    /pl011@9000000 \{\n\t\tcompatible = "arm,pl011\\0arm,primecell";\n\t\treg = <0x00 0x9000000 0x00 0x1000>;\n\t\tinterrupts = <0x00 0x01 0x04>;\n\t\tclocks = <0x8000 0x8000>;/,
    /pl031@9010000 \{\n\t\tcompatible = "arm,pl031\\0arm,primecell";/,
    /apb-pclk \{\n\t\tphandle = <0x8000>;\n\t\tcompatible = "fixed-clock";\n\t\t#clock-cells = <0x00>;\n\t\tclock-frequency = <0x16e3600>;/,
    /virtio_mmio@a003e00 \{\n\t\tcompatible = "virtio,mmio";\n\t\treg = <0x00 0xa003e00 0x00 0x200>;\n\t\tinterrupts = <0x00 0x2f 0x01>;\n\t\tdma-coherent;/,
    /pcie@10000000 \{\n\t\tcompatible = "pci-host-ecam-generic";/,
    /bus-range = <0x00 0x0f>;/,
    /reg = <0x00 0x3f000000 0x00 0x1000000>;/,
    /ranges = <0x1000000 0x00 0x00 0x00 0x3eff0000 0x00 0x10000 0x2000000 0x00 0x10000000 0x00 0x10000000 0x00 0x2eff0000>;/,
    /flash@0 \{\n\t\tcompatible = "cfi-flash";\n\t\treg = <0x00 0x00 0x00 0x4000000 0x00 0x4000000 0x00 0x4000000>;\n\t\tbank-width = <0x04>;/,
  ];
  for (const re of expect) assert.match(dts, re);
  assert.equal(dts.match(/virtio_mmio@/g)?.length, 32);
  assert.match(dts, /fw-cfg@9020000 \{\n\t\tdma-coherent;\n\t\treg = <0x00 0x9020000 0x00 0x18>;\n\t\tcompatible = "qemu,fw-cfg-mmio";/);
  assert.match(dts, /platform-bus@c000000 \{\n\t\tinterrupt-parent = <0x8003>;\n\t\tranges = <0x00 0x00 0xc000000 0x2000000>;/);
});

// ---------------------------------------------------------------------------------------------
// (2) The writer round-trips.

test('writer: header, reservations, alignment, de-duplicated strings and every value kind round-trip', () => {
  const root = new FdtNode('');
  const ph = new PhandleAllocator(7);
  root.setU32('#address-cells', 2).setU32('#size-cells', 1).setString('compatible', 'acme,board');
  const a = root.add('dev@1000');
  a.setStrings('compatible', 'acme,dev', 'simple-bus').set('reg', fdtValue.sized([0x1_0000_1000n, 2], [0x100n, 1]));
  a.setEmpty('flag').set('blob', fdtValue.bytes([1, 2, 3, 4, 5])).setU64('big', 0x1122_3344_5566_7788n);
  const b = a.add('child');
  b.setString('compatible', 'acme,child').setU32('three', 1, 2, 3);
  b.setString('compatible', 'acme,child2'); // replaces in place
  assert.equal(ph.assign(a), 7);
  assert.equal(ph.assign(b), 8);
  root.add('empty-node');
  assert.throws(() => root.add('dev@1000'), /duplicate/);
  assert.throws(() => fdtValue.sized([0x1_0000_0000n, 1]), /does not fit/);
  assert.throws(() => fdtValue.u32(-1), /out of range/);
  assert.equal(root.find('/dev@1000/child'), b);

  const blob = serializeFdt(root, { reservations: [{ address: 0x4000_0000n, size: 0x1000n }, { address: 0x8000_0000_0000n, size: 0x20_0000n }], bootCpuidPhys: 3, padding: 64 });
  const f = parseFdt(blob);
  assert.equal(f.version, 17);
  assert.equal(f.lastCompVersion, 16);
  assert.equal(f.bootCpuidPhys, 3);
  assert.equal(f.offRsvmap % 8, 0);
  assert.equal(f.offStruct % 4, 0);
  assert.equal(f.totalSize, f.offStrings + f.sizeStrings + 64);
  assert.deepEqual(f.reservations, [{ address: 0x4000_0000n, size: 0x1000n }, { address: 0x8000_0000_0000n, size: 0x20_0000n }]);

  const names = Buffer.from(blob.subarray(f.offStrings, f.offStrings + f.sizeStrings)).toString('utf8').split('\0').filter((s) => s);
  assert.equal(new Set(names).size, names.length, `strings block repeats a name: ${names.join(',')}`);
  assert.deepEqual(new Set(names), new Set(['#address-cells', '#size-cells', 'compatible', 'reg', 'flag', 'blob', 'big', 'three', 'phandle']));

  const n = nodesOf(f);
  assert.deepEqual([...n.keys()], ['/', '/dev@1000', '/dev@1000/child', '/empty-node']);
  const dev = n.get('/dev@1000');
  const child = n.get('/dev@1000/child');
  assert.ok(dev && child);
  assert.deepEqual(strings(dev.props.get('compatible')), ['acme,dev', 'simple-bus']);
  assert.deepEqual(cells(dev.props.get('reg')), [1, 0x1000, 0x100]);
  assert.equal(dev.props.get('flag')?.length, 0);
  assert.deepEqual([...(dev.props.get('blob') ?? [])], [1, 2, 3, 4, 5]);
  assert.deepEqual(cells(dev.props.get('big')), [0x1122_3344, 0x5566_7788]);
  assert.deepEqual(cells(dev.props.get('phandle')), [7]);
  assert.deepEqual(strings(child.props.get('compatible')), ['acme,child2']);
  assert.deepEqual(cells(child.props.get('three')), [1, 2, 3]);
  assert.deepEqual(cells(child.props.get('phandle')), [8]);
  assert.deepEqual([...child.props.keys()], ['compatible', 'three', 'phandle']);
});

test('dtc round trip (dtb -> dts -> dtb -> dts) of the virt DTB is stable', { skip: NO_DTC }, () => {
  const blob = buildVirtDtb(base);
  // dts -> dtb with dtc, then both decompiled must match.
  const { dts } = decompile(blob);
  const r = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-'], { input: dts });
  assert.equal(r.status, 0, String(r.stderr));
  assert.equal(decompile(new Uint8Array(r.stdout)).dts, dts);
});

test('virt DTB: phandle references resolve and the tree parses', () => {
  const n = nodesOf(parseFdt(buildVirtDtb({ ...base, cpus: 4 })));
  const byPhandle = new Map<number, string>();
  for (const [path, node] of n) {
    const p = node.props.get('phandle');
    if (p) {
      const v = cells(p)[0];
      assert.ok(!byPhandle.has(v), `phandle ${v} used twice`);
      byPhandle.set(v, path);
    }
  }
  const root = n.get('/');
  assert.ok(root);
  assert.equal(byPhandle.get(cells(root.props.get('interrupt-parent'))[0]), '/intc@8000000');
  assert.equal(byPhandle.get(cells(n.get('/pl011@9000000')?.props.get('clocks'))[0]), '/apb-pclk');
  assert.equal(byPhandle.get(cells(n.get('/pcie@10000000')?.props.get('msi-map'))[1]), '/intc@8000000/v2m@8020000');
  for (let i = 0; i < 4; i++) {
    assert.equal(byPhandle.get(cells(n.get(`/cpus/cpu-map/socket0/cluster0/core${i}`)?.props.get('cpu'))[0]), `/cpus/cpu@${i}`);
  }
  assert.deepEqual(cells(n.get('/timer')?.props.get('interrupts')).filter((_, i) => i % 3 === 2), [0xf04, 0xf04, 0xf04, 0xf04]);
  assert.throws(() => buildVirtDtb({ ...base, cpus: 0 }), /CPUs/);
  assert.throws(() => buildVirtDtb({ ...base, cpus: 9 }), /CPUs/);
});

// ---------------------------------------------------------------------------------------------
// (4) bootargs and initrd; (5) size.

test('bootargs and linux,initrd-start/end appear in /chosen (1 cell below 4 GiB, 2 above)', () => {
  const n = nodesOf(parseFdt(buildVirtDtb({ ...base, bootargs: 'console=ttyAMA0 root=/dev/vda rw', initrd: { start: 0x4400_0000n, end: 0x4400_0064n } })));
  const chosen = n.get('/chosen');
  assert.ok(chosen);
  assert.deepEqual(strings(chosen.props.get('bootargs')), ['console=ttyAMA0 root=/dev/vda rw']);
  assert.deepEqual(strings(chosen.props.get('stdout-path')), ['/pl011@9000000']);
  assert.deepEqual(cells(chosen.props.get('linux,initrd-start')), [0x4400_0000]);
  assert.deepEqual(cells(chosen.props.get('linux,initrd-end')), [0x4400_0064]);

  const hi = nodesOf(parseFdt(buildVirtDtb({ ...base, ramSize: 8n << 30n, initrd: { start: 0x1_2000_0000n, end: 0x1_2010_0000n } }))).get('/chosen');
  assert.deepEqual(cells(hi?.props.get('linux,initrd-start')), [1, 0x2000_0000]);
  assert.deepEqual(cells(hi?.props.get('linux,initrd-end')), [1, 0x2010_0000]);
  assert.deepEqual(cells(nodesOf(parseFdt(buildVirtDtb({ ...base, ramSize: 8n << 30n }))).get('/memory@40000000')?.props.get('reg')), [0, 0x4000_0000, 2, 0]);

  const plain = nodesOf(parseFdt(buildVirtDtb(base))).get('/chosen');
  assert.deepEqual([...(plain?.props.keys() ?? [])], ['stdout-path']);
  assert.deepEqual(strings(nodesOf(parseFdt(buildVirtDtb({ ...base, model: 'Persona work' }))).get('/')?.props.get('model')), ['Persona work']);
});

test('the DTB stays well under 64 KiB (8 CPUs, 4 KiB of bootargs)', () => {
  const blob = buildVirtDtb({ ...base, cpus: 8, bootargs: 'x'.repeat(4096), initrd: { start: 0x4400_0000n, end: 0x4500_0000n } });
  assert.ok(blob.length <= 64 * 1024, `${blob.length} bytes`);
  assert.ok(buildVirtDtb(base).length < 8 * 1024, 'the default tree is under 8 KiB (QEMU: ~7.7 KiB)');
});

// ---------------------------------------------------------------------------------------------
// dtbPlacement: QEMU's hw/arm/boot.c rule.

test('dtbPlacement follows QEMU: RAM base for ELF/bios, 2 MiB-aligned after the initrd slot for Linux', () => {
  const kernelEnd = RAM + 2n * MIB + 0x1_0000n; // Image with text_offset 0 loads at RAM + 2 MiB
  assert.equal(dtbPlacement(RAM, 128n * MIB, kernelEnd, 8000, false), RAM);
  assert.equal(dtbPlacement(RAM, 128n * MIB, kernelEnd, 8000, true), 0x4400_0000n);
  assert.equal(dtbPlacement(RAM, 1024n * MIB, kernelEnd, 8000, true), 0x4800_0000n);
  assert.equal(dtbPlacement(RAM, 4096n * MIB, kernelEnd, 8000, true), 0x4800_0000n);
  assert.equal(dtbPlacement(RAM, 128n * MIB, kernelEnd, 8000, true, 100n), 0x4420_0000n);
  assert.equal(dtbPlacement(RAM, 128n * MIB, kernelEnd, 8000, true, 2n * MIB), 0x4420_0000n);
  assert.equal(dtbPlacement(RAM, 128n * MIB, kernelEnd, 8000, true, 2n * MIB + 1n), 0x4440_0000n);
  // A kernel reaching past the RAM midpoint pushes the initrd (page-aligned) and the DTB up.
  assert.equal(initrdPlacement(RAM, 128n * MIB, 0x4500_0123n), 0x4500_1000n);
  assert.equal(dtbPlacement(RAM, 128n * MIB, 0x4500_0123n, 8000, true), 0x4520_0000n);
  assert.throws(() => dtbPlacement(RAM, 128n * MIB, RAM + 127n * MIB, 8000, true), /no room/);
  assert.equal(elfLeavesRoomForDtb(RAM, RAM + 0x8_0000n, RAM + MIB, 8000), true);
  assert.equal(elfLeavesRoomForDtb(RAM, RAM, RAM + MIB, 8000), false);
  assert.equal(elfLeavesRoomForDtb(RAM, 0n, 0x1000n, 8000), true);
});

// ---------------------------------------------------------------------------------------------
// (3) Against QEMU's own dump.

/** Paths present in QEMU's tree that we leave out on purpose (see virt-dtb.ts). */
const QEMU_ONLY_NODES = new Set(['/pl061@9030000', '/gpio-keys', '/gpio-keys/poweroff', '/pmu']);
/** Properties that legitimately differ: random seeds, and enable-method QEMU omits for one CPU. */
const PROP_ALLOW = (path: string, prop: string, cpus: number): boolean =>
  (path === '/chosen' && (prop === 'kaslr-seed' || prop === 'rng-seed')) || (cpus === 1 && /^\/cpus\/cpu@/.test(path) && prop === 'enable-method');

function fakeImage(dir: string): { path: string; size: bigint } {
  // arm64 Image header: code0 = `b .`, text_offset 0, image_size 64 KiB, magic "ARM\x64".
  const img = Buffer.alloc(0x1_0000);
  img.writeUInt32LE(0x1400_0000, 0);
  img.writeBigUInt64LE(0n, 8);
  img.writeBigUInt64LE(0x1_0000n, 16);
  img.writeBigUInt64LE(0xan, 24);
  img.writeUInt32LE(0x644d_5241, 0x38);
  const path = join(dir, 'Image');
  writeFileSync(path, img);
  return { path, size: 0x1_0000n };
}

function qemuDump(dir: string, cpus: number, ramMiB: number, extra: string[]): ParsedFdt {
  const out = join(dir, `qemu-${cpus}-${ramMiB}-${extra.length}.dtb`);
  const r = spawnSync('qemu-system-aarch64', ['-M', `virt,highmem=off,dumpdtb=${out}`, '-cpu', 'cortex-a72', '-smp', String(cpus), '-m', `${ramMiB}M`, '-display', 'none', ...extra], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `qemu failed: ${r.stderr}`);
  const blob = new Uint8Array(readFileSync(out));
  return parseFdt(blob);
}

function compareWithQemu(qemu: ParsedFdt, mine: ParsedFdt, cpus: number): string[] {
  const q = nodesOf(qemu);
  const m = nodesOf(mine);
  const diffs: string[] = [];
  for (const path of q.keys()) if (!m.has(path) && !QEMU_ONLY_NODES.has(path)) diffs.push(`missing node ${path}`);
  for (const path of m.keys()) if (!q.has(path)) diffs.push(`extra node ${path}`);
  for (const path of QEMU_ONLY_NODES) if (m.has(path)) diffs.push(`node ${path} should be omitted`);
  for (const [path, qn] of q) {
    const mn = m.get(path);
    if (!mn) continue;
    const qc = qn.props.get('compatible');
    if (hex(qc) !== hex(mn.props.get('compatible'))) diffs.push(`${path} compatible: qemu ${qc ? strings(qc).join(',') : '-'} ours ${hex(mn.props.get('compatible'))}`);
    for (const prop of new Set([...qn.props.keys(), ...mn.props.keys()])) {
      if (prop === 'compatible' || PROP_ALLOW(path, prop, cpus)) continue;
      const a = hex(qn.props.get(prop));
      const b = hex(mn.props.get(prop));
      if (a !== b) diffs.push(`${path} ${prop}: qemu ${a} ours ${b}`);
    }
  }
  const order = (f: Map<string, ParsedNode>): string[] => [...f.keys()].filter((p) => !QEMU_ONLY_NODES.has(p));
  if (diffs.length === 0 && order(q).join() !== order(m).join()) diffs.push(`node order differs:\nqemu ${order(q).join(' ')}\nours ${order(m).join(' ')}`);
  return diffs;
}

test('node paths, compatibles and property values match QEMU virt (highmem=off) for -smp 1/2/8', { skip: NO_QEMU }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-dtb-'));
  try {
    for (const [cpus, ramMiB] of [[1, 128], [2, 128], [8, 2048]] as const) {
      const qemu = qemuDump(dir, cpus, ramMiB, []);
      const mine = parseFdt(buildVirtDtb({ ramBase: RAM, ramSize: BigInt(ramMiB) * MIB, cpus }));
      const diffs = compareWithQemu(qemu, mine, cpus);
      assert.deepEqual(diffs, [], `-smp ${cpus} -m ${ramMiB}M differs from QEMU:\n  ${diffs.join('\n  ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('/chosen for a Linux boot with -append and -initrd matches QEMU (initrd placed by our rule)', { skip: NO_QEMU }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-dtb-'));
  try {
    const image = fakeImage(dir);
    const initrd = join(dir, 'initrd');
    writeFileSync(initrd, Buffer.alloc(100, 0x78));
    const bootargs = 'console=ttyAMA0 root=/dev/vda';
    const qemu = qemuDump(dir, 2, 128, ['-kernel', image.path, '-initrd', initrd, '-append', bootargs]);
    const start = initrdPlacement(RAM, 128n * MIB, RAM + 2n * MIB + image.size);
    const mine = parseFdt(buildVirtDtb({ ...base, bootargs, initrd: { start, end: start + 100n } }));
    const diffs = compareWithQemu(qemu, mine, 2);
    assert.deepEqual(diffs, [], diffs.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Boots QEMU on a do-nothing Image and reads x0 (the DTB address) from the monitor. */
function qemuX0(args: string[]): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const p = spawn('qemu-system-aarch64', ['-M', 'virt', '-cpu', 'cortex-a72', '-display', 'none', '-serial', 'null', '-monitor', 'stdio', ...args]);
    let out = '';
    let done = false;
    const timer = setInterval(() => {
      if (!done) p.stdin.write('info registers\n');
    }, 300);
    p.stdin.on('error', () => undefined); // EPIPE once qemu has quit
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      // x0 counts only once QEMU's boot stub has jumped to the Image (PC in RAM): a dump taken
      // while the stub still runs at address 0 shows x0 before it is set.
      const m = [...out.matchAll(/PC=([0-9a-f]{16})[\s\S]*?X00=([0-9a-f]{16})/g)].map((x) => [BigInt(`0x${x[1]}`), x[2]] as const).find(([pc]) => pc >= RAM);
      if (m && !done) {
        done = true;
        clearInterval(timer);
        p.stdin.end('quit\n');
        resolve(BigInt(`0x${m[1]}`));
      }
    });
    p.on('error', reject);
    p.on('exit', () => {
      clearInterval(timer);
      if (!done) reject(new Error(`qemu exited before reporting x0:\n${out}`));
    });
    setTimeout(() => p.kill(), 20_000).unref();
  });
}

test('dtbPlacement agrees with the x0 QEMU hands a Linux Image', { skip: NO_QEMU }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'persona-dtb-'));
  try {
    const image = fakeImage(dir);
    const initrd = join(dir, 'initrd');
    writeFileSync(initrd, Buffer.alloc(3 * 1024 * 1024, 1));
    const imageEnd = RAM + 2n * MIB + image.size;
    for (const [ramMiB, withInitrd] of [[128, false], [1024, true]] as const) {
      const x0 = await qemuX0(['-m', `${ramMiB}M`, '-kernel', image.path, ...(withInitrd ? ['-initrd', initrd] : [])]);
      const want = dtbPlacement(RAM, BigInt(ramMiB) * MIB, imageEnd, 8192, true, withInitrd ? 3n * MIB : 0n);
      assert.equal(x0, want, `-m ${ramMiB}M initrd=${withInitrd}: qemu x0 0x${x0.toString(16)}, ours 0x${want.toString(16)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
