// The EL2/EL3 configuration bits Persona programs for every guest. Kept apart from the register
// table (sysregs/) and its encodings, which describe these bits, so neither imports the other.

/** HCR_EL2 bits Persona sets for every guest. */
export const HCR = {
  VM: 1n << 0n, // stage-2 translation: unmapped guest-physical accesses trap precisely to the hypervisor
  IMO: 1n << 4n, // IRQs routed to the hypervisor, so VI injects virtual IRQs
  FMO: 1n << 3n,
  VI: 1n << 7n,
  TWI: 1n << 13n, // WFI traps: an idle vCPU sleeps until its next event instead of spinning
  TWE: 1n << 14n,
  RW: 1n << 31n, // EL1 is AArch64
} as const;

/** SCR_EL3 = NS | HCE | RW: non-secure EL1 under an EL2 that takes HVC (else HVC is UNDEFINED). */
export const SCR_EL3_VALUE = 0x501n;
