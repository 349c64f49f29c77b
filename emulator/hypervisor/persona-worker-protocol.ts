// What the device and a persona's worker thread say to each other. Most traffic is in shared
// memory (control words, trap log, channels); messages carry only start-up data, console bytes,
// console input and the exit.
import type { PersonaExit } from './persona';
import type { ForeignWindow } from './persona-links';
import type { ChannelEnd } from './hypercalls/persona-abi';
import type { AssignedDeviceKind } from './manifest';

export interface OwnedDeviceInit {
  name: string;
  kind: AssignedDeviceKind;
  base: bigint;
  size: bigint;
  intid?: number;
  id: number;
  data: string;
}

export interface PersonaWorkerInit {
  id: number;
  name: string;
  image: string;
  /** The image is firmware for flash address 0 (QEMU's -bios). */
  bios: boolean;
  ramBytes: bigint;
  cpus: number;
  bootargs?: string;
  /** Path of an initrd for a Linux Image (with `bios`: for the firmware's kernel). */
  initrd?: string;
  /** With `bios`: a kernel the firmware loads through fw_cfg. */
  kernel?: string;
  maxSeconds?: number;
  /** Counter value all personas of the device measure trap times from. */
  clockOrigin: bigint;
  deterministic: boolean;
  control: Int32Array;
  trapLog: SharedArrayBuffer;
  channels: { end: ChannelEnd; memory: SharedArrayBuffer; doorbells: SharedArrayBuffer; side: 0 | 1; peerControl: Int32Array }[];
  ownedDevices: OwnedDeviceInit[];
  foreign: ForeignWindow[];
}

export type DeviceToWorker =
  | { type: 'input'; bytes: Uint8Array }
  | { type: 'stop'; reason: string }
  | { type: 'snapshot'; id: number; file: string };

export type WorkerToDevice =
  | { type: 'ready' }
  | { type: 'console'; bytes: Uint8Array }
  | { type: 'exit'; exit: PersonaExit }
  | { type: 'error'; message: string }
  | { type: 'snapshot-done'; id: number; bytes: number }
  | { type: 'snapshot-failed'; id: number; error: string };
