// A simple device assigned to one persona: a 32-bit identification register at offset 0 and a
// bank of 32-bit registers from offset 0x10 whose initial contents the manifest gives (the phone
// demo's "corporate vault" holds a secret there). Stands in for a modem or secure-element block
// passed through to one persona.
import type { AccessSize, MmioDevice } from './mmio';
import { StateReader, toBase64 } from '../hypervisor/snapshot-errors';

/** A register block's contents as JSON-safe data: every byte of the window, base64. */
export interface RegisterBlockState { bytes: string }

const ID = 0x00;
const DATA = 0x10;

export class RegisterBlock implements MmioDevice {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(readonly name: string, readonly id: number, size: number, initial: Uint8Array = new Uint8Array(0)) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.bytes.set(initial.subarray(0, Math.max(0, size - DATA)), DATA);
  }

  read(offset: number, size: AccessSize): number {
    if (offset === ID) return this.id >>> 0;
    if (offset < DATA || offset + size > this.bytes.length) return 0;
    return size === 1 ? this.view.getUint8(offset) : size === 2 ? this.view.getUint16(offset, true) : this.view.getUint32(offset, true);
  }

  write(offset: number, size: AccessSize, value: number): void {
    if (offset < DATA || offset + size > this.bytes.length) return; // the ID register is read-only
    if (size === 1) this.view.setUint8(offset, value);
    else if (size === 2) this.view.setUint16(offset, value, true);
    else this.view.setUint32(offset, value >>> 0, true);
  }

  /** The block's contents for a snapshot (its name, ID and size come from the manifest). */
  saveState(): RegisterBlockState {
    return { bytes: toBase64(this.bytes) };
  }

  /** Replace the contents with saved ones; a bad state (or another size) throws a SnapshotStateError. */
  restoreState(state: RegisterBlockState): void {
    const bytes = new StateReader(`register-block ${this.name}`, state).bytes('bytes', { length: this.bytes.length });
    this.bytes.set(bytes);
  }

  registerName(offset: number): string | undefined {
    return offset === ID ? 'ID' : offset >= DATA ? `DATA${(offset - DATA) >> 2}` : undefined;
  }
}
