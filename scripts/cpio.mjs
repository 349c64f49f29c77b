// A cpio archive in the "newc" format (the one the Linux kernel unpacks as an initramfs:
// Documentation/driver-api/early-userspace/buffer-format.rst). Small enough to write here: a
// 110-byte ASCII header per entry (magic 070701 and thirteen 8-digit hex fields), the NUL-terminated
// name and the data, each padded to 4 bytes, then a TRAILER!!! entry.
//
//   cpioNewc([{ name: 'dev', mode: 0o040755 }, { name: 'init', mode: 0o100755, data }])

const S_IFMT = 0o170000;
const TYPES = new Set([0o040000, 0o100000, 0o020000, 0o060000, 0o120000]); // dir, file, chr, blk, symlink

/**
 * @typedef {{ name: string, mode: number, data?: Uint8Array, rdev?: [number, number], mtime?: number }} CpioEntry
 *   mode: file type and permissions (0o100755 a program, 0o040755 a directory, 0o020600 a character device)
 *   rdev: [major, minor] of a device node (/dev/console is [5, 1])
 * @param {CpioEntry[]} entries @returns {Buffer}
 */
export function cpioNewc(entries) {
  const parts = [];
  let ino = 1;
  const pad = (n) => Buffer.alloc((4 - (n % 4)) % 4);
  const entry = (e, inode) => {
    const name = Buffer.from(`${e.name}\0`, 'utf8');
    const data = e.data ? Buffer.from(e.data) : Buffer.alloc(0);
    const [rmaj, rmin] = e.rdev ?? [0, 0];
    const fields = [inode, e.mode, 0, 0, (e.mode & S_IFMT) === 0o040000 ? 2 : 1, e.mtime ?? 0, data.length, 0, 0, rmaj, rmin, name.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => (f >>> 0).toString(16).padStart(8, '0')).join('')}`, 'latin1');
    parts.push(header, name, pad(header.length + name.length), data, pad(data.length));
  };
  for (const e of entries) {
    if (!e.name || e.name.startsWith('/') || e.name.includes('\0')) throw new Error(`cpio: bad entry name "${e.name}" (relative, like "init" or "dev/console")`);
    if (!TYPES.has(e.mode & S_IFMT)) throw new Error(`cpio: ${e.name}: mode 0o${e.mode.toString(8)} has no file type`);
    entry(e, ino++);
  }
  entry({ name: 'TRAILER!!!', mode: 0 }, 0);
  return Buffer.concat(parts);
}
