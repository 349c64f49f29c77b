// ARM semihosting (HLT #0xF000 on AArch64): the calls a bare-metal test guest needs to print and to
// end with an exit code. Operation in w0, parameter (or parameter block) in x1, result in x0.

export const SEMIHOSTING_HLT = 0xd45e0000; // hlt #0xf000

export const SYS = {
  OPEN: 0x01,
  CLOSE: 0x02,
  WRITEC: 0x03,
  WRITE0: 0x04,
  WRITE: 0x05,
  EXIT: 0x18,
  EXIT_EXTENDED: 0x20,
} as const;

const ADP_STOPPED_APPLICATION_EXIT = 0x20026n;
const MAX_STRING = 1 << 20;
const MINUS_ONE = BigInt.asUintN(64, -1n);

export const SEMIHOSTING_NAMES: Readonly<Record<number, string>> = {
  [SYS.OPEN]: 'SYS_OPEN', [SYS.CLOSE]: 'SYS_CLOSE',
  [SYS.WRITEC]: 'SYS_WRITEC', [SYS.WRITE0]: 'SYS_WRITE0', [SYS.WRITE]: 'SYS_WRITE',
  [SYS.EXIT]: 'SYS_EXIT', [SYS.EXIT_EXTENDED]: 'SYS_EXIT_EXTENDED',
};

export interface SemihostingHost {
  /** Guest memory at a guest address, or undefined where nothing is mapped. */
  readMemory(address: bigint, length: number): Uint8Array | undefined;
  write(bytes: Uint8Array): void;
  /** Open console handles (":tt"), handle -> writable; the guest never reaches host files. */
  handles: Map<number, boolean>;
}

export type SemihostingResult = { x0: bigint } | { exit: number; reason: string };

/** A guest pointer that points nowhere: the call fails with -1 instead of reaching the host. */
class BadPointer extends Error {}

function read(host: SemihostingHost, address: bigint, length: number): Uint8Array {
  const b = host.readMemory(address, length);
  if (!b) throw new BadPointer();
  return b;
}

function readU64(host: SemihostingHost, address: bigint): bigint {
  const b = read(host, address, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

function readCString(host: SemihostingHost, address: bigint): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let a = address; total < MAX_STRING;) {
    const chunk = read(host, a, 256 - Number(a & 255n)); // never cross a 256-byte boundary into unmapped memory
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      chunks.push(chunk.subarray(0, nul));
      break;
    }
    chunks.push(chunk);
    total += chunk.length;
    a += BigInt(chunk.length);
  }
  return Buffer.concat(chunks);
}

export function semihostingCall(op: number, param: bigint, host: SemihostingHost): SemihostingResult {
  try {
    return call(op, param, host);
  } catch (e) {
    if (e instanceof BadPointer) return { x0: MINUS_ONE };
    throw e;
  }
}

function call(op: number, param: bigint, host: SemihostingHost): SemihostingResult {
  switch (op) {
    case SYS.OPEN: {
      const name = readU64(host, param);
      const mode = readU64(host, param + 8n);
      if (new TextDecoder().decode(readCString(host, name)) !== ':tt' || mode > 11n) return { x0: MINUS_ONE };
      let handle = 1;
      while (host.handles.has(handle)) handle++;
      host.handles.set(handle, mode >= 4n); // modes 0-3 read ("r"), 4-11 write or append
      return { x0: BigInt(handle) };
    }
    case SYS.CLOSE:
      return { x0: host.handles.delete(Number(readU64(host, param))) ? 0n : MINUS_ONE };
    case SYS.WRITEC:
      host.write(read(host, param, 1));
      return { x0: 0n };
    case SYS.WRITE0:
      host.write(readCString(host, param));
      return { x0: 0n };
    case SYS.WRITE: {
      const fd = readU64(host, param);
      const buf = readU64(host, param + 8n);
      const len = readU64(host, param + 16n);
      if (host.handles.get(Number(fd)) !== true) return { x0: len }; // not an open console handle: nothing written
      if (len > BigInt(MAX_STRING)) return { x0: len };
      host.write(read(host, buf, Number(len)));
      return { x0: 0n };
    }
    case SYS.EXIT:
    case SYS.EXIT_EXTENDED: {
      const reason = readU64(host, param);
      const sub = readU64(host, param + 8n);
      const code = reason === ADP_STOPPED_APPLICATION_EXIT ? Number(BigInt.asIntN(32, sub)) : 1;
      return { exit: code, reason: `the guest exited with code ${code} (semihosting ${SEMIHOSTING_NAMES[op]})` };
    }
    default:
      return { x0: MINUS_ONE };
  }
}
