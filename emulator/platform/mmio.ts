// The one interface every emulated device window implements. The bus (platform/bus.ts) maps a
// window of guest-physical space to a device and calls it with offsets inside that window.

/** Bytes in one guest access. */
export type AccessSize = 1 | 2 | 4 | 8;

export interface MmioDevice {
  /** Short device name shown in the trap log ("pl011", "gicd", ...). */
  readonly name: string;
  /** Read `size` bytes at `offset` within the window; returns the value zero-extended (at most 32 bits wide for 32-bit registers). */
  read(offset: number, size: AccessSize): number;
  /** Write `size` bytes of `value` at `offset` within the window. */
  write(offset: number, size: AccessSize, value: number): void;
  /** Optional: a name for the register at `offset`, for the trap log ("UARTFR"). */
  registerName?(offset: number): string | undefined;
}

/** An interrupt line a device drives: level-sensitive, true = asserted. */
export type IrqLine = (level: boolean) => void;
