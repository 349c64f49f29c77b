// Builds the device models that a manifest assigns to one persona. The table maps each kind to its
// constructor; the owner's console receives a second UART's output, labelled with its name.
import type { IrqLine, MmioDevice } from '../platform/mmio';
import { Pl011Uart } from '../platform/pl011';
import { RegisterBlock } from '../platform/register-block';
import type { AssignedDeviceKind } from './manifest';
import type { OwnedDeviceInit } from './persona-worker-protocol';

type Factory = (d: OwnedDeviceInit, console: (bytes: Uint8Array) => void, irq: IrqLine) => MmioDevice;

const FACTORIES: Record<AssignedDeviceKind, Factory> = {
  'register-block': (d) => new RegisterBlock(d.name, d.id, Number(d.size), new TextEncoder().encode(d.data)),
  pl011: (d, console, irq) => {
    const label = new TextEncoder().encode(`[${d.name}] `);
    return new Pl011Uart({ onTransmit: (b) => console(Buffer.concat([label, b])), irq });
  },
};

export function createOwnedDevice(d: OwnedDeviceInit, console: (bytes: Uint8Array) => void, irq: IrqLine): MmioDevice {
  return FACTORIES[d.kind](d, console, irq);
}
