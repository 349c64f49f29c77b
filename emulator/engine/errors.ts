// Typed errors of the engine layer. A NativeLibraryError is a user error (something to install);
// an EngineError is a unicorn call that failed where it should not.

export class NativeLibraryError extends Error {
  constructor(readonly what: string, readonly fix: string) {
    super(`${what}\n  fix: ${fix}`);
    this.name = 'NativeLibraryError';
  }
}

export class EngineError extends Error {
  constructor(readonly call: string, readonly code: number, readonly codeName: string) {
    super(`unicorn ${call} failed: UC_ERR_${codeName} (${code})`);
    this.name = 'EngineError';
  }
}
