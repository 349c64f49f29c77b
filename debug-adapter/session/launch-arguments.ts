// The launch configuration of a `persona` debug session (launch.json), checked before use.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebuggerError } from '../debugger/errors';

export interface PersonaLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The guest ELF (built with -g for source-level debugging). */
  program: string;
  /** Stop at the entry point instead of running (default false). */
  stopOnEntry?: boolean;
  /** The folder relative paths are taken from (default: the adapter's working folder). */
  cwd?: string;
}

export function checkLaunchArguments(args: DebugProtocol.LaunchRequestArguments | undefined): PersonaLaunchArguments {
  const a: Partial<PersonaLaunchArguments> = args ?? {};
  if (typeof a.program !== 'string' || a.program.length === 0) {
    throw new DebuggerError('launch: "program" must be the path of a guest ELF (built with -g)');
  }
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') throw new DebuggerError('launch: "stopOnEntry" must be true or false');
  if (a.cwd !== undefined && typeof a.cwd !== 'string') throw new DebuggerError('launch: "cwd" must be a folder path');
  return { ...args, program: a.program, stopOnEntry: a.stopOnEntry, cwd: a.cwd };
}
