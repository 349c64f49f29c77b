/* hvcfuzz — 1,000,000 hypercalls with pseudo-random function ids and arguments (xorshift64, fixed
 * seed, so every run makes the same calls). Ids: half from the hypervisor's table, the rest from
 * the SMCCC owner ranges, fully random, random upper halves of x0 (the id is w0), and edge values.
 * Calls that would stop this vCPU or the persona (SYSTEM_OFF, SYSTEM_RESET, SYSTEM_RESET2, CPU_OFF,
 * CPU_SUSPEND) are never made. Every answer is checked by validate.h: a status code, or the
 * documented value for the value-returning calls, with x1..x3 kept where the call returns nothing
 * in them. CPU_ON's entry point is always a parking loop; console writes that could print real
 * memory are made with length 0.
 * Exit (semihosting SYS_EXIT_EXTENDED): 0 when every answer is valid, else the number of bad
 * answers (at most 255). Output is deterministic. */
#include "persona.h"
#include "validate.h"

#define CALLS 1000000u
#define REPORT_EVERY 250000u
#define MAX_REPORTS 10

void hvcfuzz_park(void);
__asm__(".text\n.global hvcfuzz_park\nhvcfuzz_park:\n  wfi\n  b hvcfuzz_park\n");

static u64 rng = 0x2545F4914F6CDD1DUL;
static u64 next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const u64 edge_args[] = {
    0, 1, 2, 3, 0xFF, 0x100, 0x101, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
    0x100000000UL, 0x7FFFFFFFFFFFFFFFUL, 0x8000000000000000UL, ~0UL, ~0UL - 1, ~0UL - 4095,
    4095, 4096, 4097, 0x40000000, 0x40080000, 0x44000000, 0x48000000, 0x80000000, 0x0A100000,
    0x0B000000, 0x08000000, 0x09000000, 0xF000000000UL, 0x8000000000UL, PERSONA_WHOAMI, PSCI_SYSTEM_OFF,
};
static const u32 edge_ids[] = {
    0, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000002, 0x8000FFFF, 0x80007FFF, 0x84000005, 0x84000007,
    0x8400000B, 0x840000FF, 0xC4000000, 0xC4000002, 0xC400FFFF, 0xC6000007, 0xC60000FF, 0xC600FFFF,
    0xC6FFFFFF, 0xC7000000, 0x86000000, 0x86000001, 0xBF000000, 0xF2000000, 0xC5000000, 0x85000000,
};
static const u32 owner_bases[] = { 0x80000000, 0x84000000, 0xC4000000, 0xC6000000, 0x86000000, 0xC5000000 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static u64 pick_arg(void)
{
    u64 r = next();
    switch (r & 7) {
    case 0: case 1: case 2:
        return next();
    case 3:
        return (r >> 8) % 300;
    case 4: case 5:
        return edge_args[(r >> 8) % N(edge_args)];
    case 6:
        return next() >> ((r >> 8) & 63);
    default:
        return 0x40000000UL + ((r >> 8) & 0x7FFFFFF);
    }
}

static u64 pick_id(void)
{
    for (;;) {
        u64 r = next();
        u64 x0;
        switch (r & 15) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
            x0 = known_ids[(r >> 8) % N_KNOWN_IDS];
            break;
        case 8: case 9: {
            u32 base = owner_bases[(r >> 8) % N(owner_bases)];
            x0 = base | ((r >> 16) & ((r >> 40) & 1 ? 0xFF : 0xFFFF));
            break;
        }
        case 10: case 11:
            x0 = (u32)(r >> 20);
            break;
        case 12: case 13: /* the id is w0: the upper half of x0 must not matter */
            x0 = (next() & ~0xFFFFFFFFUL) | known_ids[(r >> 8) % N_KNOWN_IDS];
            break;
        case 14:
            x0 = edge_ids[(r >> 8) % N(edge_ids)];
            break;
        default:
            x0 = next();
        }
        if (!id_stops_cpu((u32)x0))
            return x0;
    }
}

void exception_handler(struct frame *f, u32 vec)
{
    kprintf("hvcfuzz: FAIL unexpected exception vec=%u esr=%lx elr=%lx far=%lx\n", vec, f->esr, f->elr, f->far);
    semihost_exit(255);
}

int main(void)
{
    install_vectors();
    struct vctx ctx;
    u32 cpus = 1;
    while (cpus < 256 && hvc_call(PSCI_AFFINITY_INFO64, cpus, 0, 0) != PSCI_INVALID_PARAMETERS)
        cpus++;
    vctx_init(&ctx, cpus);
    kprintf("hvcfuzz: %u hypercalls, seed %lx, %u vCPU(s), %u channel(s)\n", CALLS, rng, cpus, ctx.channels);

    u64 known = 0, unknown = 0, high_x0 = 0, bad = 0, per_family[3] = { 0, 0, 0 };
    for (u32 n = 1; n <= CALLS; n++) {
        u64 x0 = pick_id();
        u32 id = (u32)x0;
        u64 a1 = pick_arg(), a2 = pick_arg(), a3 = pick_arg();
        if (id == PSCI_CPU_ON || id == PSCI_CPU_ON64)
            a2 = (u64)hvcfuzz_park; /* a CPU that does come on parks in WFI */
        if (id == PERSONA_CONSOLE_WRITE && a2 != 0 && a2 <= PERSONA_CONSOLE_WRITE_MAX && a1 < 0x140000000UL)
            a2 = 0; /* could name real memory (flash, RAM): do not print it */
        struct hvc_result r = hvc_call4(x0, a1, a2, a3);
        const char *why = validate(&ctx, x0, a1, a2, a3, r);
        if (!why && id == PERSONA_CONSOLE_WRITE && a2 != 0 && a2 <= PERSONA_CONSOLE_WRITE_MAX &&
            r.x0 != PERSONA_RET_INVALID_PARAMETERS)
            why = "PERSONA_CONSOLE_WRITE accepted a buffer outside guest memory";
        if (why) {
            if (bad < MAX_REPORTS)
                kprintf("hvcfuzz: BAD call %u: x0=%lx x1=%lx x2=%lx x3=%lx -> x0=%lx x1=%lx x2=%lx x3=%lx: %s\n",
                        n, x0, a1, a2, a3, (u64)r.x0, r.x1, r.x2, r.x3, why);
            bad++;
        }
        if (id_known(id)) {
            known++;
            per_family[(id >> 24) == 0xC6 ? 2 : (id >> 24) == 0x80 ? 0 : 1]++;
        } else {
            unknown++;
        }
        high_x0 += (x0 >> 32) != 0;
        if (n % REPORT_EVERY == 0)
            kprintf("hvcfuzz: %u calls, %lu bad\n", n, bad);
    }
    kprintf("hvcfuzz: %lu to known ids (SMCCC %lu, PSCI %lu, Persona %lu), %lu to unknown ids, "
            "%lu with a non-zero upper half of x0\n", known, per_family[0], per_family[1], per_family[2],
            unknown, high_x0);
    kprintf("hvcfuzz: %u calls checked, %lu bad results\n", CALLS, bad);
    semihost_exit(bad > 255 ? 255 : bad);
}
