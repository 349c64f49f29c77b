// Statistics and table formatting for scripts/bench.mjs.

export function summary(xs) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], samples: xs };
}

/** 3 significant digits with an SI suffix: 1234567 -> "1.23 M". */
export function si(x) {
  if (x == null || !Number.isFinite(x)) return '—';
  const units = [[1e9, ' G'], [1e6, ' M'], [1e3, ' k']];
  for (const [f, u] of units) if (Math.abs(x) >= f) return `${(x / f).toPrecision(3)}${u}`;
  return `${x.toPrecision(3)} `;
}

/** Formats a value in the measure's unit: seconds (s / ms) or a rate (calls/s, B/s, MIPS). */
export function fmt(x, unit) {
  if (x == null || !Number.isFinite(x)) return '—';
  if (unit === 's') return x < 1 ? `${(x * 1000).toPrecision(3)} ms` : `${x.toPrecision(3)} s`;
  if (unit === 'MIPS') return `${Math.round(x)} MIPS`;
  return `${si(x)}${unit}`;
}

/** "median [min–max]" for a summary, in the measure's unit. */
export function cell(s, unit) {
  if (!s) return '—';
  if (s.samples.length === 1) return fmt(s.median, unit);
  return `${fmt(s.median, unit)} [${fmt(s.min, unit)}–${fmt(s.max, unit)}]`;
}

/** Renders rows (arrays of strings) under headers as a plain-text table. */
export function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => String(c).padEnd(w[i])).join(' | ').trimEnd();
  return [line(headers), w.map((n) => '-'.repeat(n)).join('-|-'), ...rows.map(line)].join('\n');
}
