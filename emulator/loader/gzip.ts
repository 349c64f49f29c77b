// gzip'd guest images (Image.gz): detected by the 1f 8b magic and inflated with a size limit.

import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { ImageFormatError, hex } from './errors';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates `bytes`; corrupt data or output above `limit` bytes is an ImageFormatError. */
export function gunzipImage(file: string, bytes: Uint8Array, limit: bigint): Uint8Array {
  const max = Math.min(Number(limit), bufferConstants.MAX_LENGTH);
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: max });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImageFormatError(file, `gzip data decompresses to more than ${hex(max)} bytes (the size limit: RAM or 4 GiB)`);
    }
    throw new ImageFormatError(file, `gzip data is corrupt: ${err.message}${err.code ? ` (${err.code})` : ''}`);
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
