/* persona-hypercalls.h — the hypercalls a persona can make with `hvc #0`: function id in w0,
 * arguments in x1..x3, results in x0..x3. Unknown ids return NOT_SUPPORTED (-1).
 * Generated from emulator/hypervisor/hypercalls/table.ts by scripts/gen-abi.ts: do not edit. */
#ifndef PERSONA_HYPERCALLS_H
#define PERSONA_HYPERCALLS_H

/* ---- SMCCC ---- */
#define SMCCC_VERSION                0x80000000u /* SMC Calling Convention version */
#define SMCCC_ARCH_FEATURES          0x80000001u /* whether an Arm-architecture call is implemented */

/* ---- PSCI ---- */
#define PSCI_VERSION                 0x84000000u /* PSCI version */
#define PSCI_FEATURES                0x8400000Au /* whether a PSCI call is implemented, answered as QEMU 7.2 answers it */
#define PSCI_CPU_SUSPEND             0x84000001u /* standby until an interrupt (every power state is a standby) */
#define PSCI_CPU_SUSPEND64           0xC4000001u /* CPU_SUSPEND, 64-bit convention */
#define PSCI_CPU_OFF                 0x84000002u /* power the calling vCPU off */
#define PSCI_CPU_ON                  0x84000003u /* start a vCPU at EL1h, MMU off, x0 = context id */
#define PSCI_CPU_ON64                0xC4000003u /* CPU_ON, 64-bit convention */
#define PSCI_AFFINITY_INFO           0x84000004u /* power state of a vCPU */
#define PSCI_AFFINITY_INFO64         0xC4000004u /* AFFINITY_INFO, 64-bit convention */
#define PSCI_MIGRATE_INFO_TYPE       0x84000006u /* trusted-OS migration capability */
#define PSCI_SYSTEM_OFF              0x84000008u /* power the persona off (its run ends with exit code 0) */
#define PSCI_SYSTEM_RESET            0x84000009u /* reset request: Persona stops the persona */
#define PSCI_SYSTEM_RESET2           0x84000012u /* reset request with a type: Persona stops the persona */
#define PSCI_SYSTEM_RESET2_64        0xC4000012u /* SYSTEM_RESET2, 64-bit convention */

/* ---- Persona ---- */
#define PERSONA_ABI_VERSION          0xC6000000u /* version of the Persona hypercall ABI */
#define PERSONA_WHOAMI               0xC6000001u /* which persona is calling */
#define PERSONA_CHANNEL_INFO         0xC6000002u /* where this persona's n-th granted channel is */
#define PERSONA_CHANNEL_NOTIFY       0xC6000003u /* ring the peer's doorbell: its doorbell interrupt goes pending */
#define PERSONA_CONSOLE_WRITE        0xC6000004u /* write bytes to this persona's console */
#define PERSONA_YIELD                0xC6000005u /* give up the rest of this vCPU's time slice */
#define PERSONA_VTIME                0xC6000006u /* this persona's virtual time */

/* ---- return codes ---- */
#define SMCCC_RET_SUCCESS                (0L)
#define SMCCC_RET_NOT_SUPPORTED          (-1L)
#define SMCCC_RET_NOT_REQUIRED           (-2L)
#define SMCCC_RET_INVALID_PARAMETER      (-3L)
#define PSCI_SUCCESS                     (0L)
#define PSCI_NOT_SUPPORTED               (-1L)
#define PSCI_INVALID_PARAMETERS          (-2L)
#define PSCI_DENIED                      (-3L)
#define PSCI_ALREADY_ON                  (-4L)
#define PSCI_ON_PENDING                  (-5L)
#define PSCI_INTERNAL_FAILURE            (-6L)
#define PSCI_NOT_PRESENT                 (-7L)
#define PSCI_DISABLED                    (-8L)
#define PSCI_INVALID_ADDRESS             (-9L)
#define PERSONA_RET_SUCCESS              (0L)
#define PERSONA_RET_NOT_SUPPORTED        (-1L)
#define PERSONA_RET_INVALID_PARAMETERS   (-2L)
#define PERSONA_RET_DENIED               (-3L)

#define PERSONA_ABI_VERSION_1_0      0x10000u
#define PERSONA_CONSOLE_WRITE_MAX    4096
/* PERSONA_CHANNEL_INFO x3 */
#define PERSONA_CHANNEL_INTID(x3)    ((unsigned)((x3) & 0xFFFFu))
#define PERSONA_CHANNEL_ID(x3)       ((unsigned)(((x3) >> 16) & 0xFFFFu))
#define PERSONA_CHANNEL_PEER(x3)     ((unsigned)(((x3) >> 32) & 0xFFFFu))

#endif
