// Where a boot puts things in a fresh persona's memory, as QEMU's virt board does: the image's
// segments (RAM or flash), an initrd after a Linux kernel, and the DTB (its address goes to x0 for a
// Linux Image, or sits at the RAM base for other guests when the image leaves room).
import { hex, ImageFormatError } from '../loader/errors';
import type { GuestImage } from '../loader/types';
import { buildVirtDtb, dtbPlacement, elfLeavesRoomForDtb, initrdPlacement, QEMU_FDT_BYTES } from '../platform/virt-dtb';
import { VIRT } from '../platform/virt-map';

export interface InitrdRange {
  start: bigint;
  end: bigint;
}

/** Copies the image's segments into RAM or flash (each zero-filled up to its memory size). */
export function copyImage(img: GuestImage, ram: Uint8Array, flash: Uint8Array): void {
  for (const s of img.segments) {
    const inRam = s.paddr >= VIRT.ram.base;
    const target = inRam ? ram : flash;
    const off = Number(s.paddr - (inRam ? VIRT.ram.base : VIRT.flash.base));
    target.set(s.data, off);
    target.fill(0, off + s.data.length, off + Number(s.memSize));
  }
}

/**
 * Copies an initrd where QEMU puts it for a Linux boot (after the kernel, at least half of RAM or
 * 128 MiB up) and returns the range `/chosen` announces. Only Linux Images take one, as on QEMU.
 */
export function placeInitrd(img: GuestImage, path: string, bytes: Uint8Array, ram: Uint8Array, ramBytes: bigint): InitrdRange {
  if (!img.isLinux) throw new ImageFormatError(path, `an initrd needs a Linux Image to boot; ${img.path} is ${img.format === 'raw' ? 'a raw binary' : 'an ELF'} (QEMU ignores an initrd there too)`);
  const start = initrdPlacement(VIRT.ram.base, ramBytes, img.end);
  const end = start + BigInt(bytes.length);
  const ramEnd = VIRT.ram.base + ramBytes;
  if (end > ramEnd) {
    throw new ImageFormatError(path, `the initrd (${bytes.length} bytes) does not fit in RAM at ${hex(start)}: RAM ends at ${hex(ramEnd)} (give the persona more RAM)`);
  }
  ram.set(bytes, Number(start - VIRT.ram.base));
  return { start, end };
}

/** Builds the board's DTB and writes it where this image expects it; its address, or undefined when there is no room. */
export function writeBootDtb(img: GuestImage, board: { ramBytes: bigint; cpus: number; bootargs?: string }, ram: Uint8Array, initrd: InitrdRange | undefined): bigint | undefined {
  // Firmware and other images wholly below RAM get QEMU's 1 MiB blob at the RAM base, so that
  // what the firmware lays out around it (U-Boot relocates below its copy) is where QEMU has it.
  const belowRam = img.segments.length > 0 && img.segments.every((s) => s.paddr + s.memSize <= VIRT.ram.base);
  const dtb = buildVirtDtb({
    ramBase: VIRT.ram.base, ramSize: board.ramBytes, cpus: board.cpus, bootargs: board.bootargs, initrd,
    totalSize: belowRam && !img.isLinux ? QEMU_FDT_BYTES : undefined,
  });
  let dtbAddress: bigint | undefined;
  if (img.isLinux) {
    dtbAddress = dtbPlacement(VIRT.ram.base, board.ramBytes, img.end, dtb.length, true, initrd ? initrd.end - initrd.start : 0n);
  } else {
    const low = img.segments.reduce((m, s) => (s.paddr < m ? s.paddr : m), img.end);
    if (elfLeavesRoomForDtb(VIRT.ram.base, low, img.end, dtb.length)) dtbAddress = VIRT.ram.base;
  }
  if (dtbAddress !== undefined) ram.set(dtb, Number(dtbAddress - VIRT.ram.base));
  return dtbAddress;
}
