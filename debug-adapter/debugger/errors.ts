// A request the debugger cannot serve for a reason the user can act on (a missing program, a broken
// ELF, a request in the wrong state). The session answers it with an error response, never a crash.

export class DebuggerError extends Error {
  override readonly name = 'DebuggerError';
}
