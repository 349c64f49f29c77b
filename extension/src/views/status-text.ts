// The status bar's text: device state, which personas run or are paused, and the trap rate. No `vscode` import.
import type { PersonaStateEntry } from '../debug/device-events';
import type { DeviceRunState } from '../debug/session-state';

const STATE_ICON: Readonly<Record<DeviceRunState, string>> = {
  starting: '$(loading~spin)', running: '$(play)', paused: '$(debug-pause)', exited: '$(circle-slash)',
};

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M traps/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k traps/s`;
  return `${Math.round(perSecond)} traps/s`;
}

export function statusText(device: DeviceRunState, personas: readonly PersonaStateEntry[], rate: number): { text: string; tooltip: string } {
  const running = personas.filter((p) => p.state === 'running').map((p) => p.name);
  const paused = personas.filter((p) => p.state === 'paused').map((p) => p.name);
  const exited = personas.filter((p) => p.state === 'exited').map((p) => `${p.name}${p.exitCode !== undefined ? ` (${p.exitCode})` : ''}`);
  // Codicons, not emoji: the workbench font has them everywhere.
  const who = personas.map((p) => `${p.name}${p.state === 'paused' ? ' $(debug-pause)' : p.state === 'exited' ? ' $(circle-slash)' : ''}`).join(' ');
  const text = `${STATE_ICON[device]} Persona ${device}${who ? `: ${who}` : ''}${device === 'running' ? ` · ${formatRate(rate)}` : ''}`;
  const lines = [`Device: ${device}`];
  if (running.length) lines.push(`Running: ${running.join(', ')}`);
  if (paused.length) lines.push(`Paused: ${paused.join(', ')}`);
  if (exited.length) lines.push(`Exited: ${exited.join(', ')}`);
  lines.push(`Traps: ${formatRate(rate)}`);
  return { text, tooltip: lines.join('\n') };
}
