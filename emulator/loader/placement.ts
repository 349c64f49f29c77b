// Checks that planned segments fit the guest memory layout: sane sizes, each inside one region,
// no two overlapping, and the entry point inside what was loaded.

import { ImageFormatError, hex } from './errors';
import type { LoadSegment, MemoryLayout, MemoryRegion } from './types';

/** No single segment may be larger than this, whatever the layout. */
export const MAX_SEGMENT_BYTES = 4n << 30n;

export interface PlannedSegment extends LoadSegment {
  /** How faults name it, e.g. "program header 2 (PT_LOAD)". */
  label: string;
}

function span(base: bigint, size: bigint): string {
  return `[${hex(base)}-${hex(base + size)})`;
}

export function describeRegions(layout: MemoryLayout): string {
  return layout.regions.map((r) => `${r.name} ${span(r.base, r.size)}`).join(', ');
}

/** The region named "ram" (case-insensitive). A layout without one is a caller bug. */
export function findRam(layout: MemoryLayout): MemoryRegion {
  const ram = layout.regions.find((r) => r.name.toLowerCase() === 'ram');
  if (ram === undefined) throw new Error(`loader: memory layout has no region named "ram" (${describeRegions(layout)})`);
  return ram;
}

/** Fails if `size` alone could never fit (over 4 GiB or larger than every region). */
export function checkSize(file: string, label: string, size: bigint, layout: MemoryLayout): void {
  if (size > MAX_SEGMENT_BYTES) throw new ImageFormatError(file, `${label}: size ${hex(size)} is absurd (more than 4 GiB)`);
  const largest = layout.regions.reduce<MemoryRegion | undefined>((a, r) => (a === undefined || r.size > a.size ? r : a), undefined);
  if (largest !== undefined && size > largest.size) {
    throw new ImageFormatError(
      file,
      `${label}: size ${hex(size)} is absurd (larger than the largest memory region, ${largest.name}, ${hex(largest.size)} bytes)`,
    );
  }
}

/** Validates and returns the segments sorted by paddr (labels dropped). */
export function placeSegments(file: string, planned: PlannedSegment[], layout: MemoryLayout, hint = ''): LoadSegment[] {
  if (layout.regions.length === 0) throw new Error('loader: memory layout has no regions');
  const fail = (fault: string): never => {
    throw new ImageFormatError(file, fault);
  };
  for (const s of planned) {
    checkSize(file, s.label, s.memSize, layout);
    const end = s.paddr + s.memSize;
    const home = layout.regions.find((r) => s.paddr >= r.base && s.paddr < r.base + r.size);
    if (home === undefined) {
      fail(`${s.label} ${span(s.paddr, s.memSize)} lies outside every memory region (${describeRegions(layout)})${hint}`);
    } else if (end > home.base + home.size) {
      fail(`${s.label} ${span(s.paddr, s.memSize)} runs past the end of memory region ${home.name} ${span(home.base, home.size)}${hint}`);
    }
  }
  const sorted = [...planned].sort((a, b) => (a.paddr < b.paddr ? -1 : a.paddr > b.paddr ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (b.paddr < a.paddr + a.memSize) {
      fail(`${a.label} ${span(a.paddr, a.memSize)} overlaps ${b.label} ${span(b.paddr, b.memSize)}`);
    }
  }
  return sorted.map((s) => ({ paddr: s.paddr, data: s.data, memSize: s.memSize }));
}

/** The entry point must be inside a loaded segment. */
export function checkEntry(file: string, entry: bigint, segments: LoadSegment[], what = 'entry point'): void {
  if (segments.some((s) => entry >= s.paddr && entry < s.paddr + s.memSize)) return;
  const list = segments.map((s) => span(s.paddr, s.memSize)).join(', ');
  throw new ImageFormatError(file, `${what} ${hex(entry)} is outside every loaded segment (${list})`);
}

/** Highest loaded byte + 1. */
export function imageEnd(segments: LoadSegment[]): bigint {
  return segments.reduce((m, s) => (s.paddr + s.memSize > m ? s.paddr + s.memSize : m), 0n);
}
