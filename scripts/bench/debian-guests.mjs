// Bench measures on Debian's own builds (scripts/debian-packages.mjs fetches them): time from spawn
// to a line of the guest's console, persona vs QEMU with the same image and command line. The run is
// killed as soon as the line appears (timedRun's stopAt), so nothing after it is timed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DebianFetchError, fetchDebianPackage } from '../debian-packages.mjs';

export const DEBIAN_KEYS = ['linux-boot', 'linux-panic'];

// As QEMU boots it: 128 MiB (both default), console on the PL011, reset at once on the panic.
const LINUX_CMDLINE = 'console=ttyAMA0 panic=-1';
const goal = { ratio: 1.5, text: '<= 1.5x QEMU' };

/** Debian's current arm64 kernel image, or why the Linux rows are skipped. */
function debianKernel(log) {
  try {
    const got = fetchDebianPackage('linux-image-*-arm64', { paths: ['./boot'], log });
    const name = readdirSync(join(got.root, 'boot')).find((f) => f.startsWith('vmlinuz-'));
    if (!name) return { skip: `${got.package} has no boot/vmlinuz-*` };
    return { path: join(got.root, 'boot', name), what: `${got.package} ${got.version}` };
  } catch (e) {
    if (e instanceof DebianFetchError) return { skip: e.message.split('\n')[0] };
    throw e;
  }
}

/**
 * The measures for `keys` (a subset of DEBIAN_KEYS), in bench.mjs's shape plus personaArgs/qemuArgs
 * (instead of a guest ELF) and stopAt; `skipped` says why none could be made.
 */
export function debianMeasures(keys, { log }) {
  if (keys.length === 0) return { measures: [], skipped: null };
  const k = debianKernel(log);
  if (k.skip) return { measures: [], skipped: `Linux rows skipped: ${k.skip}` };
  const linux = (key, title, stopAt) => ({
    key, title, unit: 's', goal, stopAt,
    about: key === 'linux-boot' ? `${k.what}, -append "${LINUX_CMDLINE}"; QEMU with -M virt -cpu cortex-a72 -no-reboot` : undefined,
    personaArgs: ['run', k.path, '--append', LINUX_CMDLINE],
    qemuArgs: ['-M', 'virt', '-cpu', 'cortex-a72', '-nographic', '-no-reboot', '-kernel', k.path, '-append', LINUX_CMDLINE],
    value: (r) => {
      if (r.markMs == null) throw new Error(`the console never printed ${stopAt}`);
      return r.markMs / 1000;
    },
  });
  const all = [
    linux('linux-boot', 'Debian arm64 kernel: spawn to "Booting Linux"', /Booting Linux on physical CPU/),
    linux('linux-panic', 'Debian arm64 kernel: spawn to the root-fs panic', /Kernel panic - not syncing: VFS: Unable to mount root fs/),
  ];
  return { measures: all.filter((m) => keys.includes(m.key)), skipped: null };
}
