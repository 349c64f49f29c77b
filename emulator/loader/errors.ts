// The one error type every loader path throws for a broken or unsupported guest image. `file` is the
// path the user gave (so a CLI can print it as-is) and `fault` is the specific, human-readable reason.

export class ImageFormatError extends Error {
  override readonly name = 'ImageFormatError';
  readonly file: string;
  readonly fault: string;

  constructor(file: string, fault: string) {
    super(`ImageFormatError: ${file}: ${fault}`);
    this.file = file;
    this.fault = fault;
    // The message already starts with the class name: keep String(e) and the stack's first line
    // from repeating it ("ImageFormatError: ImageFormatError: ...").
    const frames = (this.stack ?? '').split('\n').slice(1);
    this.stack = [this.message, ...frames].join('\n');
  }

  override toString(): string {
    return this.message;
  }
}

/** 0x-prefixed lower-case hex for faults and listings. */
export function hex(v: bigint | number): string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b < 0n ? `-0x${(-b).toString(16)}` : `0x${b.toString(16)}`;
}
