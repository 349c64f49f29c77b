#!/usr/bin/env node
// Builds the example and test guests (bare-metal AArch64 ELFs for the QEMU virt board) into
// build/guests/<name>.elf, and the Linux user programs (LINUX_PROGRAMS) into build/guests/<name>.elf
// plus an initramfs build/guests/<name>.cpio holding it as /init. Incremental: a guest is rebuilt only when one of its sources, the shared
// library/headers, the linker script or this script is newer than its .elf.
//
//   node scripts/build-guests.mjs [--force] [name...]
//
// Exit codes: 0 ok, 1 compile error (compiler output printed), 2 cross compiler missing.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, accessSync, constants, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpioNewc } from './cpio.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build/guests');
const CC = 'aarch64-linux-gnu-gcc';

// name -> its own files (relative to the repo); .h files are dependencies only. Every guest also
// links examples/lib (LIB) and sees examples/include.
const GUESTS = {
  hello: ['examples/hello/main.c'],
  kernel: ['examples/kernel/main.c', 'examples/kernel/task.c', 'examples/kernel/syscalls.h'],
  exceptions: ['test/guests/exceptions/main.c'],
  timer: ['test/guests/timer/main.c'],
  semihosting: ['test/guests/semihosting/main.c'],
  smp: ['test/guests/smp/main.c'],
  nowhere: ['test/guests/nowhere/main.c'],
  storm: ['test/guests/storm/main.c', 'test/guests/storm/storm.S'],
  bench: ['test/guests/bench/main.c'],
  'bench-startup': ['test/guests/bench-startup/start.S', 'test/guests/bench-startup/entry.ld'],
  'bench-hvc': ['test/guests/bench-hvc/main.c'],
  'bench-svc': ['test/guests/bench-svc/main.c', 'test/guests/bench-svc/svc.S'],
  'bench-uart': ['test/guests/bench-uart/main.c'],
  'bench-channel': ['test/guests/bench-channel/main.c', 'examples/lib/persona-calls.c', 'examples/lib/persona-calls.h'],
  echo: ['test/guests/echo/main.c'],
  smc: ['test/guests/smc/main.c'],
  watch: ['test/guests/watch/main.c'],
  'phone-personal': ['examples/phone/personal/main.c', 'examples/phone/personal/app.c', 'examples/phone/common/kernel.c', 'examples/phone/common/phone.h', 'examples/lib/persona-calls.c', 'examples/lib/persona-calls.h'],
  'phone-work': ['examples/phone/work/main.c', 'examples/phone/work/app.c', 'examples/phone/common/kernel.c', 'examples/phone/common/phone.h', 'examples/lib/persona-calls.c', 'examples/lib/persona-calls.h'],
  attacker: ['test/guests/attacker/main.c', 'test/guests/hvcfuzz/validate.h', 'examples/lib/persona-calls.c', 'examples/lib/persona-calls.h', 'examples/lib/fdt.c', 'examples/lib/fdt.h'],
  hvcfuzz: ['test/guests/hvcfuzz/main.c', 'test/guests/hvcfuzz/validate.h', 'examples/lib/persona-calls.c', 'examples/lib/persona-calls.h'],
  idle: ['test/guests/idle/main.c', 'examples/lib/persona-calls.c', 'examples/lib/persona-calls.h', 'examples/lib/fdt.c', 'examples/lib/fdt.h'],
  values: ['test/guests/values/main.c'],
  'values-O0': ['test/guests/values/main.c'],
};

// name -> its files: static Linux programs (no libc, raw syscalls), each packed as /init of an
// initramfs for `persona run <Image> --initrd build/guests/<name>.cpio`.
const LINUX_PROGRAMS = {
  'linux-init': ['test/guests/linux-init/init.c'],
};
const LINUX_FLAGS = ['-static', '-nostdlib', '-ffreestanding', '-O2', '-g', '-fno-pie', '-no-pie', '-fno-stack-protector',
  '-Wl,--build-id=none', '-Wall', '-Wextra'];
// Flags a guest adds after FLAGS (the last -O wins): the debugger's value tests need both levels.
const EXTRA_FLAGS = { 'values-O0': ['-O0'] };

const LIB = ['start.S', 'vectors.S', 'exc.c', 'string.c', 'gic.c', 'printf.c'].map((f) => `examples/lib/${f}`);
const LDSCRIPT = 'examples/lib/virt.ld';
const INCLUDE = 'examples/include';

const FLAGS = [
  '-ffreestanding', '-nostdlib', '-nostartfiles', '-mgeneral-regs-only', '-O2', '-g', '-static',
  '-Wl,--build-id=none',
  '-Wl,--no-warn-rwx-segments', // one RWX segment is intended: guests run with the MMU off
  // With the MMU off every data access is Device memory, where unaligned accesses fault.
  '-mstrict-align',
  // Fixed-address images: no PIE (Debian's gcc defaults to it) and no unwind tables to load; with
  // -g the call-frame information then goes to .debug_frame, which the debugger unwinds with.
  '-fno-pie', '-no-pie', '-fno-asynchronous-unwind-tables', '-fno-unwind-tables',
  '-fno-stack-protector',
  '-Wall', '-Wextra', '-Wno-unused-parameter',
];

// A missing input counts as infinitely new: the guest is rebuilt and the compiler names the file.
function mtime(rel) {
  try {
    return statSync(join(root, rel)).mtimeMs;
  } catch {
    return Infinity;
  }
}

// Inputs every guest depends on: lib sources, headers, linker script, this script.
function sharedInputs() {
  const headers = readdirSync(join(root, INCLUDE)).filter((f) => f.endsWith('.h')).map((f) => `${INCLUDE}/${f}`);
  return [...LIB, ...headers, LDSCRIPT, relative(root, fileURLToPath(import.meta.url))];
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir || '.', cmd), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

function compile(name, sources) {
  const out = join(outDir, `${name}.elf`);
  const units = sources.filter((f) => !f.endsWith('.h'));
  const args = LINUX_PROGRAMS[name]
    ? [...LINUX_FLAGS, '-o', out, ...units]
    : [...FLAGS, ...(EXTRA_FLAGS[name] ?? []), `-I${INCLUDE}`, '-T', LDSCRIPT, '-o', out, ...units, ...LIB];
  return new Promise((resolve) => {
    const p = spawn(CC, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('error', (e) => resolve({ name, ok: false, text: String(e) }));
    p.on('close', (code) => {
      if (code === 0 && LINUX_PROGRAMS[name]) packInitramfs(name, out);
      resolve({ name, ok: code === 0, text });
    });
  });
}

/** build/guests/<name>.cpio: the program as /init, with the /dev/console it writes to. */
function packInitramfs(name, elf) {
  const cpio = cpioNewc([
    { name: 'dev', mode: 0o040755 },
    { name: 'dev/console', mode: 0o020600, rdev: [5, 1] },
    { name: 'init', mode: 0o100755, data: readFileSync(elf) },
  ]);
  writeFileSync(join(outDir, `${name}.cpio`), cpio);
  console.log(`packed build/guests/${name}.cpio`);
}

const ALL = { ...GUESTS, ...LINUX_PROGRAMS };
const argv = process.argv.slice(2);
const force = argv.includes('--force');
const wanted = argv.filter((a) => !a.startsWith('--'));
for (const n of wanted) {
  if (!ALL[n]) {
    console.error(`persona: unknown guest '${n}' (known: ${Object.keys(ALL).join(', ')})`);
    process.exit(1);
  }
}

const shared = Math.max(...sharedInputs().map(mtime));
const stale = Object.entries(ALL).filter(([name, srcs]) => {
  if (wanted.length && !wanted.includes(name)) return false;
  if (force) return true;
  let built;
  try {
    built = statSync(join(outDir, `${name}.elf`)).mtimeMs;
    if (LINUX_PROGRAMS[name]) built = Math.min(built, statSync(join(outDir, `${name}.cpio`)).mtimeMs);
  } catch {
    return true;
  }
  return Math.max(shared, ...srcs.map(mtime)) > built;
});

if (stale.length === 0) process.exit(0);
if (!onPath(CC)) {
  console.error(`persona: ${CC} is missing (builds the example guests)\n  fix: sudo apt-get install gcc-aarch64-linux-gnu`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const results = await Promise.all(stale.map(([name, srcs]) => compile(name, srcs)));
let failed = 0;
for (const r of results) {
  if (r.text) process.stderr.write(r.text);
  if (!r.ok) {
    failed++;
    console.error(`persona: guest '${r.name}' failed to build`);
  } else {
    console.log(`built build/guests/${r.name}.elf`);
  }
}
process.exit(failed ? 1 : 0);
