// SMCCC (Arm DEN0028) function-id anatomy and return codes.

export const SMCCC = {
  VERSION: 0x8000_0000,
  ARCH_FEATURES: 0x8000_0001,
  ARCH_SOC_ID: 0x8000_0002,
  ARCH_WORKAROUND_1: 0x8000_8000,
  ARCH_WORKAROUND_2: 0x8000_7fff,
} as const;

/** SMCCC 1.1, as QEMU's virt reports it. */
export const SMCCC_VERSION_1_1 = 0x1_0001n;

export const SMCCC_RET = {
  SUCCESS: 0n,
  NOT_SUPPORTED: -1n,
  NOT_REQUIRED: -2n,
  INVALID_PARAMETER: -3n,
} as const;

/** Decoded function id: fast call, 64-bit convention, owning entity, function number. */
export function describeFunctionId(id: number): { fast: boolean; smc64: boolean; owner: number; fn: number } {
  return { fast: (id >>> 31) === 1, smc64: ((id >>> 30) & 1) === 1, owner: (id >>> 24) & 0x3f, fn: id & 0xffff };
}

export const OWNER_NAMES: Readonly<Record<number, string>> = {
  0: 'Arm architecture', 1: 'CPU service', 2: 'SiP service', 3: 'OEM service', 4: 'standard secure service',
  5: 'standard hypervisor service', 6: 'vendor hypervisor service',
};
