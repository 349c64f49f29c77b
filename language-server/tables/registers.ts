// A64 register names and the operand keywords that look like identifiers but are not symbols
// (shifts, extends, barrier options, prefetch operations). The symbol scanner uses them to tell a
// label reference from `lsl` or `ish`; completion offers the registers.

function numbered(prefixes: readonly string[], count: number): string[] {
  return prefixes.flatMap((p) => Array.from({ length: count }, (_, i) => `${p}${i}`));
}

/** General-purpose, special and FP/SIMD registers. */
export const REGISTERS: readonly string[] = [
  ...numbered(['x', 'w'], 31),
  'sp', 'wsp', 'xzr', 'wzr', 'lr', 'fp', 'ip0', 'ip1',
  ...numbered(['v', 'q', 'd', 's', 'h', 'b', 'z', 'p'], 32).filter((r) => !/^p(1[6-9]|2\d|3[01])$/.test(r)),
];

const REGISTER_SET: ReadonlySet<string> = new Set(REGISTERS);

/** A register name, including SIMD arrangements (`v0.16b`, `v1.s[2]`). */
export function isRegister(word: string): boolean {
  const w = word.toLowerCase();
  return REGISTER_SET.has(w) || /^[vzp]\d{1,2}\.(\d*[bhsdq])$/.test(w);
}

const KEYWORDS = [
  'lsl', 'lsr', 'asr', 'ror', 'msl', 'uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx',
  // barrier options
  'sy', 'st', 'ld', 'ish', 'ishst', 'ishld', 'nsh', 'nshst', 'nshld', 'osh', 'oshst', 'oshld',
  // BTI targets and misc
  'c', 'j', 'jc', 'csync',
  // SIMD arrangement specifiers written on their own
  '8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d',
];

/** Operand words that are never symbols. */
export const OPERAND_KEYWORDS: ReadonlySet<string> = new Set(KEYWORDS);

/** `pldl1keep` style prefetch operations. */
export function isPrefetchOp(word: string): boolean {
  return /^p(ld|li|st)l[123](keep|strm)$/i.test(word);
}
