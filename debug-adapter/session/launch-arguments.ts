// The launch configuration of a `persona` debug session (launch.json), checked before use.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebuggerError } from '../debugger/errors';
import type { PersonaLaunchAttributes } from './contract';

export interface PersonaLaunchArguments extends DebugProtocol.LaunchRequestArguments, PersonaLaunchAttributes {}

export function checkLaunchArguments(args: DebugProtocol.LaunchRequestArguments | undefined): PersonaLaunchArguments {
  const a: Partial<PersonaLaunchArguments> = args ?? {};
  const path = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
  if (a.resume !== undefined) {
    if (!path(a.resume)) throw new DebuggerError('launch: "resume" must be the path of a snapshot file (written by `persona snapshot`)');
    if (a.manifest !== undefined) throw new DebuggerError('launch: "resume" continues one persona: give it alone or with "program", not with "manifest"');
  } else if ((a.manifest === undefined) === (a.program === undefined)) {
    throw new DebuggerError('launch: give exactly one of "manifest" (a device manifest such as examples/phone/phone.json) or "program" (one guest ELF built with -g)');
  }
  if (a.manifest !== undefined && !path(a.manifest)) throw new DebuggerError('launch: "manifest" must be the path of a device manifest (JSON, see docs/manifest.md)');
  if (a.program !== undefined && !path(a.program)) throw new DebuggerError('launch: "program" must be the path of a guest ELF (built with -g)');
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') throw new DebuggerError('launch: "stopOnEntry" must be true or false');
  if (a.deterministic !== undefined && typeof a.deterministic !== 'boolean') throw new DebuggerError('launch: "deterministic" must be true or false');
  if (a.cwd !== undefined && typeof a.cwd !== 'string') throw new DebuggerError('launch: "cwd" must be a folder path');
  if (a.cpus !== undefined && (!Number.isInteger(a.cpus) || a.cpus < 1 || a.cpus > 8)) throw new DebuggerError('launch: "cpus" must be a whole number from 1 to 8');
  if (a.cpus !== undefined && a.manifest !== undefined) throw new DebuggerError('launch: "cpus" is for a "program" launch; a manifest gives each persona its cpus');
  if (a.cpus !== undefined && a.resume !== undefined) throw new DebuggerError('launch: "cpus" cannot change a resumed persona (the snapshot fixes it)');
  return { ...args, manifest: a.manifest, program: a.program, resume: a.resume, stopOnEntry: a.stopOnEntry, deterministic: a.deterministic, cwd: a.cwd, cpus: a.cpus };
}
