// What ties a persona to the rest of its device, all in shared memory so that personas in
// different threads can use it without messages: the control words (pause, attention, state),
// the channels (a shared segment plus doorbell words), the devices it owns and the windows it must
// not touch.
import type { MmioDevice } from '../platform/mmio';
import type { ChannelEnd } from './hypercalls/persona-abi';

/** Indices into a persona's control words (an Int32Array over a SharedArrayBuffer). */
export const CONTROL = {
  /** Non-zero: look at the control words (a doorbell rang, input arrived, a pause is wanted). */
  ATTENTION: 0,
  /** Non-zero: the device wants this persona paused. */
  PAUSE: 1,
  /** What the persona is doing: one of PERSONA_STATE. */
  STATE: 2,
} as const;
export const CONTROL_WORDS = 4;

export const PERSONA_STATE = { STARTING: 0, RUNNING: 1, PAUSED: 2, EXITED: 3 } as const;

/** Doorbell words of a channel: [pending, payload] for end 0, then for end 1. */
export const DOORBELL_WORDS = 4;

export interface ChannelLink {
  /** This persona's end: id, guest-physical window, doorbell INTID, peer. */
  end: ChannelEnd;
  /** The shared segment (a view of a SharedArrayBuffer, mapped into both personas). */
  memory: Uint8Array;
  doorbells: Int32Array;
  /** Which end this persona is (0 or 1). */
  side: 0 | 1;
  /** The peer's control words, to get its attention. */
  peerControl: Int32Array;
}

export interface OwnedDevice {
  name: string;
  base: bigint;
  size: bigint;
  device: MmioDevice;
}

/** A guest-physical window this persona may not touch, and who owns it. */
export interface ForeignWindow {
  base: bigint;
  size: bigint;
  owner: number;
  what: string;
}

export interface PersonaLinks {
  control: Int32Array;
  trapLog: SharedArrayBuffer;
  channels: ChannelLink[];
  ownedDevices: OwnedDevice[];
  foreign: ForeignWindow[];
}

export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
}

/** Asks a persona to look at its control words, waking it if it sleeps. */
export function attention(control: Int32Array): void {
  Atomics.store(control, CONTROL.ATTENTION, 1);
  Atomics.notify(control, CONTROL.ATTENTION);
}

/** Rings the doorbell of the other end of `link`. False when the peer has exited. */
export function ringPeer(link: ChannelLink, payload: number): boolean {
  if (Atomics.load(link.peerControl, CONTROL.STATE) === PERSONA_STATE.EXITED) return false;
  const peer = 1 - link.side;
  Atomics.store(link.doorbells, 2 * peer + 1, payload | 0);
  Atomics.store(link.doorbells, 2 * peer, 1);
  attention(link.peerControl);
  return true;
}

/** Takes this end's pending doorbell, if any: its payload, or undefined. */
export function takeDoorbell(link: ChannelLink): number | undefined {
  if (Atomics.exchange(link.doorbells, 2 * link.side, 0) === 0) return undefined;
  return Atomics.load(link.doorbells, 2 * link.side + 1) >>> 0;
}
