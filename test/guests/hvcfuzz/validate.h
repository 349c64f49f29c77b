/* validate.h — what every hypercall may answer, from docs/hypercalls.md (generated from the
 * hypervisor's table): shared by the hvcfuzz and attacker guests. validate() returns 0 when the
 * result is one the documentation allows for these arguments, else a short reason. It also checks
 * the SMCCC rule that registers a call does not return (x1..x3) keep the caller's values. */
#ifndef VALIDATE_H
#define VALIDATE_H
#include "persona.h"
#include "../../../examples/lib/persona-calls.h"

static const u32 known_ids[] = {
    SMCCC_VERSION, SMCCC_ARCH_FEATURES,
    PSCI_VERSION, PSCI_FEATURES, PSCI_CPU_SUSPEND, PSCI_CPU_SUSPEND64, PSCI_CPU_OFF, PSCI_CPU_ON,
    PSCI_CPU_ON64, PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO64, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF,
    PSCI_SYSTEM_RESET, PSCI_SYSTEM_RESET2, PSCI_SYSTEM_RESET2_64,
    PERSONA_ABI_VERSION, PERSONA_WHOAMI, PERSONA_CHANNEL_INFO, PERSONA_CHANNEL_NOTIFY,
    PERSONA_CONSOLE_WRITE, PERSONA_YIELD, PERSONA_VTIME,
};
#define N_KNOWN_IDS (sizeof known_ids / sizeof known_ids[0])

static inline int id_known(u32 id)
{
    for (u32 i = 0; i < N_KNOWN_IDS; i++)
        if (known_ids[i] == id)
            return 1;
    return 0;
}

/* What PSCI_FEATURES reports: the PSCI calls QEMU 7.2 implements (docs/hypercalls.md). */
static inline int psci_feature(u32 id)
{
    return id == PSCI_VERSION || id == PSCI_FEATURES || id == PSCI_CPU_SUSPEND || id == PSCI_CPU_SUSPEND64 ||
           id == PSCI_CPU_OFF || id == PSCI_CPU_ON || id == PSCI_CPU_ON64 || id == PSCI_AFFINITY_INFO ||
           id == PSCI_AFFINITY_INFO64 || id == PSCI_MIGRATE_INFO_TYPE || id == PSCI_SYSTEM_OFF ||
           id == PSCI_SYSTEM_RESET;
}

/* Calls that would end or stop this vCPU or the persona: never made with random arguments. */
static inline int id_stops_cpu(u32 id)
{
    return id == PSCI_SYSTEM_OFF || id == PSCI_SYSTEM_RESET || id == PSCI_SYSTEM_RESET2 ||
           id == PSCI_SYSTEM_RESET2_64 || id == PSCI_CPU_OFF || id == PSCI_CPU_SUSPEND ||
           id == PSCI_CPU_SUSPEND64;
}

/* What the caller knows about itself (filled once at start-up). */
struct vctx {
    u32 cpus;          /* vCPUs of this persona (MPIDR Aff0 0..cpus-1); the caller is vCPU 0 */
    u32 channels;      /* channels granted (CHANNEL_INFO succeeds for 0..channels-1) */
    u32 my_id;         /* PERSONA_WHOAMI x1..x3 */
    u64 name_lo, name_hi;
    u64 last_vtime;    /* PERSONA_VTIME never goes backwards */
};

static inline int is_status(s64 v) { return v == 0 || v == -1 || v == -2 || v == -3; }

/* x0 (full 64 bits as the caller passed it), x1..x3 in, r out. */
static inline const char *validate(struct vctx *c, u64 x0, u64 a1, u64 a2, u64 a3, struct hvc_result r)
{
    u32 id = (u32)x0; /* the function id is w0 */
    int keep1 = 1, keep2 = 1, keep3 = 1;
    s64 v = r.x0;
    switch (id) {
    case SMCCC_VERSION:
        if (v != 0x10001)
            return "SMCCC_VERSION is not 1.1";
        break;
    case SMCCC_ARCH_FEATURES: {
        u32 f = (u32)a1;
        s64 want = ((f >> 24) == 0x80 && id_known(f)) ? 0 : -1;
        if (v != want)
            return "SMCCC_ARCH_FEATURES";
        break;
    }
    case PSCI_VERSION:
        if (v != 0x10001)
            return "PSCI_VERSION is not 1.1";
        break;
    case PSCI_FEATURES:
        if (v != (psci_feature((u32)a1) ? 0 : -1))
            return "PSCI_FEATURES";
        break;
    case PSCI_CPU_ON:
    case PSCI_CPU_ON64: {
        u64 t = id == PSCI_CPU_ON ? (a1 & 0xFFFFFFFFu) : a1;
        u64 m = t & 0xFF00FFFFFFUL;
        if (m >= c->cpus) {
            if (v != PSCI_INVALID_PARAMETERS)
                return "CPU_ON of a vCPU that does not exist";
        } else if (m == 0) {
            if (v != PSCI_ALREADY_ON)
                return "CPU_ON of the running vCPU 0 is not ALREADY_ON";
        } else if (v != 0 && v != PSCI_ALREADY_ON && v != PSCI_ON_PENDING && v != PSCI_INVALID_ADDRESS) {
            return "CPU_ON status";
        }
        break;
    }
    case PSCI_AFFINITY_INFO:
    case PSCI_AFFINITY_INFO64: {
        u64 t = id == PSCI_AFFINITY_INFO ? (a1 & 0xFFFFFFFFu) : a1;
        u64 lvl = id == PSCI_AFFINITY_INFO ? (a2 & 0xFFFFFFFFu) : a2;
        u64 m = t & 0xFF00FFFFFFUL;
        if (lvl != 0 || m >= c->cpus) {
            if (v != PSCI_INVALID_PARAMETERS)
                return "AFFINITY_INFO of a bad level or vCPU";
        } else if (m == 0) {
            if (v != PSCI_AFF_ON)
                return "AFFINITY_INFO of the running vCPU is not ON";
        } else if (v != PSCI_AFF_ON && v != PSCI_AFF_OFF && v != PSCI_AFF_ON_PENDING) {
            return "AFFINITY_INFO value";
        }
        break;
    }
    case PSCI_MIGRATE_INFO_TYPE:
        if (v != 2)
            return "MIGRATE_INFO_TYPE is not 2";
        break;
    case PERSONA_ABI_VERSION:
        if (v != (s64)PERSONA_ABI_VERSION_1_0)
            return "PERSONA_ABI_VERSION is not 1.0";
        break;
    case PERSONA_WHOAMI:
        keep1 = keep2 = keep3 = 0;
        if (v != 0 || r.x1 != c->my_id || r.x2 != c->name_lo || r.x3 != c->name_hi)
            return "PERSONA_WHOAMI changed its answer";
        break;
    case PERSONA_CHANNEL_INFO:
        if (a1 < c->channels) {
            keep1 = keep2 = keep3 = 0;
            if (v != 0 || r.x1 < 0x0B000000UL || r.x1 >= 0x0C000000UL || (r.x1 & 0xFFFFF) || r.x2 == 0 ||
                r.x2 > 0x100000 || PERSONA_CHANNEL_INTID(r.x3) < 32 || PERSONA_CHANNEL_INTID(r.x3) >= 1020)
                return "PERSONA_CHANNEL_INFO of a granted channel";
        } else if (v != PERSONA_RET_INVALID_PARAMETERS) {
            return "PERSONA_CHANNEL_INFO of a channel not granted";
        }
        break;
    case PERSONA_CHANNEL_NOTIFY:
        if (a1 < c->channels) {
            if (v != 0 && v != PERSONA_RET_DENIED)
                return "PERSONA_CHANNEL_NOTIFY of a granted channel";
        } else if (v != PERSONA_RET_INVALID_PARAMETERS) {
            return "PERSONA_CHANNEL_NOTIFY of a channel not granted";
        }
        break;
    case PERSONA_CONSOLE_WRITE:
        if (a2 > PERSONA_CONSOLE_WRITE_MAX) {
            if (v != PERSONA_RET_INVALID_PARAMETERS)
                return "PERSONA_CONSOLE_WRITE longer than 4096";
        } else if (a2 == 0) {
            if (v != 0)
                return "PERSONA_CONSOLE_WRITE of 0 bytes";
        } else if (v != 0 && v != PERSONA_RET_INVALID_PARAMETERS) {
            return "PERSONA_CONSOLE_WRITE status";
        }
        break;
    case PERSONA_YIELD:
        if (v != 0)
            return "PERSONA_YIELD";
        break;
    case PERSONA_VTIME:
        keep1 = 0;
        if (v != 0 || r.x1 < c->last_vtime || r.x1 >> 60)
            return "PERSONA_VTIME went backwards";
        c->last_vtime = r.x1;
        break;
    default:
        if (id_known(id))
            return "a call that stops the vCPU returned";
        if (v != SMCCC_RET_NOT_SUPPORTED)
            return "an unknown id did not answer NOT_SUPPORTED";
    }
    if ((keep1 && r.x1 != a1) || (keep2 && r.x2 != a2) || (keep3 && r.x3 != a3))
        return "x1..x3 not kept by a call that does not return them";
    return 0;
}

/* Fills a vctx by asking the hypervisor (WHOAMI, CHANNEL_INFO 0..). */
static inline void vctx_init(struct vctx *c, u32 cpus)
{
    struct hvc_result r = hvc_call4(PERSONA_WHOAMI, 0, 0, 0);
    c->cpus = cpus;
    c->my_id = (u32)r.x1;
    c->name_lo = r.x2;
    c->name_hi = r.x3;
    c->channels = 0;
    while (c->channels < 256 && hvc_call4(PERSONA_CHANNEL_INFO, c->channels, 0, 0).x0 == 0)
        c->channels++;
    c->last_vtime = 0;
}

#endif
