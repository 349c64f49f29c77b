// Errors the CLI reports as one line (plus a fix) and exit code 2, never as a stack trace.
import { NativeLibraryError } from '../../emulator/engine/errors';
import { ImageFormatError } from '../../emulator/loader/errors';
import { ManifestError } from '../../emulator/hypervisor/manifest';
import { SnapshotFormatError } from '../../emulator/hypervisor/snapshot-file';

export class UsageError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, usage: 2, guestFault: 3, timeout: 4 } as const;

/** The user-facing text of an error that is the user's to fix, or undefined for a bug of ours. */
export function userErrorText(e: unknown): string | undefined {
  if (e instanceof UsageError) return e.fix ? `${e.message}\n  fix: ${e.fix}` : e.message;
  if (e instanceof ImageFormatError || e instanceof NativeLibraryError || e instanceof ManifestError || e instanceof SnapshotFormatError) return e.message;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') return (e as Error).message;
  return undefined;
}
