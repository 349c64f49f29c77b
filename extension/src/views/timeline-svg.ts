// The timeline drawn as one SVG: lanes as rows, trap marks as ticks coloured by class (each with a
// <title> for its tooltip), channel messages as arrows between lanes. No `vscode` import.
import type { Timeline } from './timeline-model';
import { formatVirtualTime as formatNs } from './trap-model';

/** Class colours, chosen to read on dark and light themes. */
const CLASS_COLOURS: Readonly<Record<string, string>> = {
  hypercall: '#4e9af1', svc: '#9b6bdf', abort: '#e5534b', 'data-abort': '#e5534b', 'instruction-abort': '#e5534b',
  undefined: '#d4a72c', irq: '#3fb950', isolation: '#f778ba', 'isolation-violation': '#f778ba', device: '#db8e3c', mmio: '#db8e3c',
  sysreg: '#8b949e', wfi: '#6e7681', channel: '#39c5cf', semihosting: '#a5d6ff',
};

export function classColour(cls: string): string {
  return CLASS_COLOURS[cls] ?? '#c9d1d9';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface SvgOptions {
  width?: number;
  laneHeight?: number;
  labelWidth?: number;
}

/** The whole timeline as an SVG document fragment. */
export function timelineSvg(t: Timeline, o: SvgOptions = {}): string {
  const width = o.width ?? 1200;
  const laneH = o.laneHeight ?? 36;
  const labelW = o.labelWidth ?? 140;
  const top = 24;
  const height = top + Math.max(1, t.lanes.length) * laneH + 8;
  const span = Math.max(1, t.end - t.start);
  const x = (time: number): number => labelW + ((time - t.start) / span) * (width - labelW - 12);
  const y = (lane: number): number => top + lane * laneH + laneH / 2;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" class="timeline">`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#39c5cf"/></marker></defs>');
  parts.push(`<text x="${labelW}" y="14" class="axis">${esc(formatNs(t.start))}</text><text x="${width - 12}" y="14" text-anchor="end" class="axis">${esc(formatNs(t.end))}</text>`);
  t.lanes.forEach((l, i) => {
    parts.push(`<g class="lane" data-persona="${esc(l.persona)}" data-vcpu="${l.vcpu}"><text x="4" y="${y(i) + 4}" class="lane-label">${esc(`${l.persona} · vCPU${l.vcpu}`)}</text>`
      + `<line x1="${labelW}" y1="${y(i)}" x2="${width - 12}" y2="${y(i)}" class="lane-line"/></g>`);
  });
  for (const m of t.marks) {
    const mx = x(m.time).toFixed(1);
    parts.push(`<line x1="${mx}" y1="${y(m.lane) - 10}" x2="${mx}" y2="${y(m.lane) + 10}" stroke="${classColour(m.cls)}" stroke-width="2" class="mark" data-class="${esc(m.cls)}"><title>${esc(`${formatNs(m.time)} ${m.label}`)}</title></line>`);
  }
  for (const a of t.arrows) {
    parts.push(`<line x1="${x(a.from.time).toFixed(1)}" y1="${y(a.from.lane)}" x2="${x(a.to.time).toFixed(1)}" y2="${y(a.to.lane)}" stroke="#39c5cf" stroke-width="1.5" marker-end="url(#arrow)" class="arrow"><title>${esc(a.label)}</title></line>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
