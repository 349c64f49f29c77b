/* attacker — an isolation attacker for the multi-persona tests. It runs as one persona beside a
 * victim that owns the corporate vault and a channel it was not granted (attack.json), and tries:
 *  (a) loads and stores past the end of its own RAM and in every window where another persona's
 *      RAM could plausibly be (up to 0x4_0000_0000, the top of the IPA space, the hypervisor's own
 *      stage-2 tables at 0xF0_0000_0000, kernel-style high addresses);
 *  (b) loads and stores in every channel window 0x0B000000 + n * 0x100000 it was not granted;
 *  (c) loads and stores on the vault (0x0A100000) and across the windows where assigned devices
 *      may sit, and on the virt board's holes (GPIO, the empty platform bus);
 *  (d) instruction fetches from those places;
 * each from EL1 and again from EL0 — every one must take a synchronous external abort (checked:
 * EC, DFSC 0x10, FAR, WnR) that the attacker catches and skips. Then hypercalls: CHANNEL_INFO and
 * CHANNEL_NOTIFY with indices 0..300 and huge values, CONSOLE_WRITE with null, huge, wrapping,
 * foreign (vault, channel, past-RAM, hypervisor) pointers and lengths from 0 to 2^64-1, WHOAMI,
 * VTIME, YIELD, CPU_SUSPEND (woken by its timer), every other id of persona-hypercalls.h with random
 * arguments, unknown ids; HVC, SMC and semihosting from EL0 (must be undefined instructions, never
 * reach the hypervisor); semihosting from EL1 with foreign pointers. Every answer is checked by
 * ../hvcfuzz/validate.h. Finally it scans its own RAM for the vault's secret ("CORP-SECRET...").
 *
 * A "leak" is an access that did not fault, a foreign buffer or channel a call accepted, or secret
 * bytes seen anywhere. The harness should also check that the attacker's console never shows
 * "CORP-SECRET" or "LEAK". Prints "attacker: N faults taken, M calls checked, L leaks" and exits
 * (semihosting SYS_EXIT_EXTENDED) with 0, else leaks + unexpected results (at most 255).
 * Output is deterministic for a given RAM size. */
#include "persona.h"
#include "../hvcfuzz/validate.h"
#include "../../../examples/lib/fdt.h"

#define VAULT_BASE   0x0A100000UL
#define CHAN_WINDOW  0x0B000000UL
#define CHAN_STRIDE  0x100000UL
#define CHAN_COUNT   16
#define HYP_MEMORY   0xF000000000UL /* where Persona keeps a persona's stage-2 tables */
#define IPA_TOP      0x8000000000UL /* 39-bit IPA space */
#define SVC_EL0_DONE 0xFFFF
#define MAX_REPORTS  40

/* ---- probes: each access instruction has a label, so the handler knows what to skip ---- */
__asm__(".text\n"
        ".macro ldprobe name, insn\n"
        ".global \\name\n.global \\name\\()_insn\n"
        "\\name:\n  mov x1, #0\n\\name\\()_insn:\n  \\insn\n  mov x0, x1\n  ret\n"
        ".endm\n"
        ".macro stprobe name, insn\n"
        ".global \\name\n.global \\name\\()_insn\n"
        "\\name:\n\\name\\()_insn:\n  \\insn\n  ret\n"
        ".endm\n"
        "ldprobe atk_ld64, \"ldr x1, [x0]\"\n"
        "ldprobe atk_ld32, \"ldr w1, [x0]\"\n"
        "ldprobe atk_ld8, \"ldrb w1, [x0]\"\n"
        "ldprobe atk_ldp, \"ldp x1, x2, [x0]\"\n"
        "stprobe atk_st64, \"str x1, [x0]\"\n"
        "stprobe atk_st32, \"str w1, [x0]\"\n"
        "stprobe atk_st8, \"strb w1, [x0]\"\n"
        "stprobe atk_hvc, \"hvc #0\"\n"
        "stprobe atk_smc, \"smc #0\"\n"
        "stprobe atk_hlt, \"hlt #0xf000\"\n"
        /* x0 = where to jump; an instruction abort resumes at the saved x30 */
        ".global atk_exec\n"
        "atk_exec:\n  stp x29, x30, [sp, #-16]!\n  blr x0\n  ldp x29, x30, [sp], #16\n  ret\n"
        ".global atk_park\n"
        "atk_park:\n  wfi\n  b atk_park\n");
u64 atk_ld64(u64), atk_ld32(u64), atk_ld8(u64), atk_ldp(u64);
void atk_st64(u64, u64), atk_st32(u64, u64), atk_st8(u64, u64), atk_exec(u64), atk_park(void);
s64 atk_hvc(u64, u64, u64, u64), atk_smc(u64, u64, u64, u64), atk_hlt(u64, u64);
extern char atk_ld64_insn[], atk_ld32_insn[], atk_ld8_insn[], atk_ldp_insn[], atk_st64_insn[],
    atk_st32_insn[], atk_st8_insn[], atk_hvc_insn[], atk_smc_insn[], atk_hlt_insn[];

enum acc { LD64, LD32, LD8, LDP, ST64, ST32, ST8, EXEC };
static const char *const acc_name[] = { "ld64", "ld32", "ld8", "ldp", "st64", "st32", "st8", "exec" };

static volatile struct {
    u32 hits, vec;
    u64 esr, far, elr;
} rec;
static volatile int exec_probe;
static int at_el0;
static u64 ram_end;
static u32 granted[CHAN_COUNT]; /* channel windows this persona was granted (skipped) */
static struct vctx ctx;
static u32 faults, calls, leaks, unexpected, reports;
static u8 el0_stack[16384] __attribute__((aligned(16)));
static u32 class_faults[5];
void el1_after_el0(void) __attribute__((noreturn));

static int is_probe_insn(u64 pc)
{
    return pc == (u64)atk_ld64_insn || pc == (u64)atk_ld32_insn || pc == (u64)atk_ld8_insn ||
           pc == (u64)atk_ldp_insn || pc == (u64)atk_st64_insn || pc == (u64)atk_st32_insn ||
           pc == (u64)atk_st8_insn;
}

void exception_handler(struct frame *f, u32 vec)
{
    u32 ec = ESR_EC(f->esr);
    if (vec == VEC_LOWER64_SYNC && ec == EC_SVC64 && ESR_ISS(f->esr) == SVC_EL0_DONE) {
        f->elr = (u64)el1_after_el0; /* back to the EL1 main line, interrupts masked */
        f->spsr = SPSR_M_EL1h | SPSR_DAIF;
        return;
    }
    if (VEC_KIND(vec) == 1) { /* IRQ: only the CPU_SUSPEND wake-up timer is ever enabled */
        u32 iar = gic_ack();
        if (GICC_IAR_INTID(iar) != GIC_SPURIOUS) {
            write_sysreg(cntv_ctl_el0, 0);
            gic_eoi(iar);
        }
        return;
    }
    if (VEC_KIND(vec) == 0) {
        rec.hits++;
        rec.vec = vec;
        rec.esr = f->esr;
        rec.far = f->far;
        rec.elr = f->elr;
        if (is_probe_insn(f->elr)) {
            f->elr += 4;
            return;
        }
        if ((ec == EC_IABT_CUR || ec == EC_IABT_LOWER) && exec_probe) {
            f->elr = f->x[30]; /* back after the blr */
            return;
        }
        if (ec == EC_UNKNOWN && (f->elr == (u64)atk_hvc_insn || f->elr == (u64)atk_smc_insn ||
                                 f->elr == (u64)atk_hlt_insn)) {
            f->elr += 4;
            return;
        }
    }
    kprintf("attacker: FAIL unexpected exception vec=%u esr=%lx elr=%lx far=%lx\n", vec, f->esr, f->elr, f->far);
    semihost_exit(250);
}

static void report(void) { reports++; }
#define REPORT(...) do { if (reports < MAX_REPORTS) kprintf(__VA_ARGS__); report(); } while (0)

/* Secret bytes in a value: "CORP", "SECR", "VAUL" (as bytes) or the vault's ID register value. */
static volatile u32 pattern_key = 0x5A5A5A5A; /* keeps the patterns out of the image as plain bytes */
static int secret_in(u64 v)
{
    const u32 k = pattern_key;
    const u32 pats[] = { 0x50524F43u ^ 0x5A5A5A5A, 0x52434553u ^ 0x5A5A5A5A, 0x4C554156u ^ 0x5A5A5A5A,
                         0x5641554Cu ^ 0x5A5A5A5A };
    for (u32 off = 0; off <= 32; off += 8)
        for (u32 i = 0; i < 4; i++)
            if (((u32)(v >> off) ^ k) == pats[i])
                return 1;
    return 0;
}

/* ---- (a)..(d): accesses that must fault ---- */

/* The fault an access to `addr` must take: past the CPU's physical address size (ID_AA64MMFR0_EL1
 * PARange) the MMU-off stage 1 itself gives an address size fault (level 0, FSC 0); everywhere else
 * the hypervisor's stage 2 refuses it and reflects a synchronous external abort (FSC 0x10). */
static u32 pa_bits;
static u32 expected_fsc(u64 addr) { return pa_bits < 64 && (addr >> pa_bits) ? 0x00 : FSC_SYNC_EXTERNAL; }

static void attempt(u32 cls, const char *what, u64 addr, enum acc a)
{
    u64 v = 0;
    rec.hits = 0;
    switch (a) {
    case LD64: v = atk_ld64(addr); break;
    case LD32: v = atk_ld32(addr); break;
    case LD8: v = atk_ld8(addr); break;
    case LDP: v = atk_ldp(addr); break;
    case ST64: atk_st64(addr, 0x4141414141414141UL); break;
    case ST32: atk_st32(addr, 0x41414141); break;
    case ST8: atk_st8(addr, 0x41); break;
    case EXEC:
        exec_probe = 1;
        atk_exec(addr);
        exec_probe = 0;
        break;
    }
    if (rec.hits == 0) {
        leaks++;
        REPORT("attacker: LEAK %s: %s at %lx from EL%u did not fault (read %lx%s)\n", what, acc_name[a], addr,
               at_el0 ? 0 : 1, v, secret_in(v) ? ", secret bytes" : "");
        return;
    }
    faults++;
    class_faults[cls]++;
    int store = a == ST64 || a == ST32 || a == ST8;
    u32 want_ec = a == EXEC ? (at_el0 ? EC_IABT_LOWER : EC_IABT_CUR) : (at_el0 ? EC_DABT_LOWER : EC_DABT_CUR);
    u32 want_vec = at_el0 ? VEC_LOWER64_SYNC : VEC_CUR_SPX_SYNC;
    int wnr = (rec.esr & ESR_DABT_WNR) != 0;
    if (rec.hits != 1 || rec.vec != want_vec || ESR_EC(rec.esr) != want_ec || ESR_xFSC(rec.esr) != expected_fsc(addr) ||
        rec.far != addr || (a != EXEC && wnr != store) || (a == EXEC && rec.elr != addr)) {
        unexpected++;
        REPORT("attacker: UNEXPECTED %s: %s at %lx from EL%u: hits=%u vec=%u esr=%lx far=%lx elr=%lx\n", what,
               acc_name[a], addr, at_el0 ? 0 : 1, rec.hits, rec.vec, rec.esr, rec.far, rec.elr);
    }
}

/* An access that must work (the attacker's own memory): the probes themselves are sound. */
static void control(const char *what, u64 addr)
{
    rec.hits = 0;
    atk_ld64(addr);
    if (rec.hits) {
        unexpected++;
        REPORT("attacker: UNEXPECTED control %s: own memory at %lx faulted (esr=%lx)\n", what, addr, rec.esr);
    }
}

static void rw(u32 cls, const char *what, u64 addr)
{
    attempt(cls, what, addr, LD64);
    attempt(cls, what, addr, ST64);
}

static void attack_memory(void)
{
    u64 big = at_el0 ? 256UL << 20 : 64UL << 20; /* sweep steps: EL0 repeats a sparser sweep */

    control("RAM base", VIRT_RAM_BASE + 0x80000);
    control("last RAM word", ram_end - 8);

    /* (a) past the end of RAM, other personas' plausible RAM, the IPA top, the hypervisor */
    rw(0, "ram", ram_end);
    rw(0, "ram", ram_end + 8);
    rw(0, "ram", ram_end + 0x1000);
    for (u64 k = 1; k <= 16; k++)
        rw(0, "ram", ram_end + k * (1UL << 20));
    for (u64 a = (ram_end + big) & ~(big - 1); a <= 0x400000000UL; a += big)
        rw(0, "ram", a);
    static const u64 high[] = { 0x800000000UL, 0x1000000000UL, 0x4000000000UL, IPA_TOP - 0x1000,
                                IPA_TOP, HYP_MEMORY, HYP_MEMORY + 0x1000, 0xFFFF000000000000UL,
                                0xFFFFFFFFFFFFF000UL };
    for (u32 i = 0; i < sizeof high / sizeof high[0]; i++)
        rw(0, "high", high[i]);

    /* (b) channel windows not granted */
    static const u64 chan_off[] = { 0, 0xFF8, 0x800, 0x1000, 0xFFFF8 };
    for (u32 n = 0; n < CHAN_COUNT; n++) {
        if (granted[n])
            continue;
        for (u32 i = 0; i < (at_el0 ? 2u : 5u); i++)
            rw(1, "channel", CHAN_WINDOW + n * CHAN_STRIDE + chan_off[i]);
    }

    /* (c) the vault, every register, every width */
    for (u64 off = 0; off < 0x50; off += 4)
        attempt(2, "vault", VAULT_BASE + off, LD32);
    attempt(2, "vault", VAULT_BASE + 0xFFC, LD32);
    attempt(2, "vault", VAULT_BASE, LD64);
    attempt(2, "vault", VAULT_BASE + 0x10, LD64);
    attempt(2, "vault", VAULT_BASE + 0x48, LD64);
    attempt(2, "vault", VAULT_BASE + 0x10, LD8);
    attempt(2, "vault", VAULT_BASE + 0x10, LDP);
    attempt(2, "vault", VAULT_BASE, ST32);
    attempt(2, "vault", VAULT_BASE + 0x10, ST32);
    attempt(2, "vault", VAULT_BASE + 0x10, ST64);
    attempt(2, "vault", VAULT_BASE + 0x10, ST8);
    /* ... and every place an assigned device may sit, and the board's empty slots */
    u64 step = at_el0 ? 0x100000 : 0x10000;
    for (u64 a = 0x09040000; a < 0x0A000000; a += step)
        attempt(3, "device window", a, LD32);
    for (u64 a = 0x0A004000; a < 0x0B000000; a += step)
        attempt(3, "device window", a, LD32);
    attempt(3, "platform bus", 0x0C000000, LD32);
    attempt(3, "GPIO", 0x09030000, LD32);

    /* (d) instruction fetches */
    attempt(4, "exec", VAULT_BASE, EXEC);
    for (u32 n = 0; n < CHAN_COUNT; n++)
        if (!granted[n]) {
            attempt(4, "exec", CHAN_WINDOW + n * CHAN_STRIDE, EXEC);
            break;
        }
    attempt(4, "exec", ram_end, EXEC);
    attempt(4, "exec", HYP_MEMORY, EXEC);
}

/* ---- hypercalls ---- */

static u64 rng = 0x9E3779B97F4A7C15UL;
static u64 next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static struct hvc_result call(u64 x0, u64 a1, u64 a2, u64 a3)
{
    struct hvc_result r = hvc_call4(x0, a1, a2, a3);
    calls++;
    const char *why = validate(&ctx, x0, a1, a2, a3, r);
    u32 id = (u32)x0;
    int leak = (id == PERSONA_CHANNEL_INFO || id == PERSONA_CHANNEL_NOTIFY) && a1 >= ctx.channels && r.x0 == 0;
    if (!leak && (r.x1 != a1 || r.x2 != a2 || r.x3 != a3) && (secret_in(r.x1) || secret_in(r.x2) || secret_in(r.x3)))
        leak = 1, why = "secret bytes in the results";
    if (leak) {
        leaks++;
        REPORT("attacker: LEAK hvc x0=%lx x1=%lx x2=%lx x3=%lx -> %lx %lx %lx %lx%s%s\n", x0, a1, a2, a3, (u64)r.x0,
               r.x1, r.x2, r.x3, why ? ": " : "", why ? why : "");
    } else if (why) {
        unexpected++;
        REPORT("attacker: UNEXPECTED hvc x0=%lx x1=%lx x2=%lx x3=%lx -> %lx %lx %lx %lx: %s\n", x0, a1, a2, a3,
               (u64)r.x0, r.x1, r.x2, r.x3, why);
    }
    return r;
}

/* A console write that must be refused (foreign or bad buffer): accepting it could print secrets. */
static void console_refused(u64 ptr, u64 len)
{
    struct hvc_result r = call(PERSONA_CONSOLE_WRITE, ptr, len, 0);
    if (r.x0 == 0) {
        leaks++;
        REPORT("attacker: LEAK PERSONA_CONSOLE_WRITE accepted %lx, %lu bytes\n", ptr, len);
    } else if (r.x0 != PERSONA_RET_INVALID_PARAMETERS) {
        unexpected++;
        REPORT("attacker: UNEXPECTED PERSONA_CONSOLE_WRITE(%lx, %lu) -> %ld\n", ptr, len, r.x0);
    }
}

static u64 foreign_ptr(u64 r)
{
    switch (r % 6) {
    case 0: return VAULT_BASE + ((r >> 8) & 0xFFF);
    case 1: return CHAN_WINDOW + ((r >> 8) % CHAN_COUNT) * CHAN_STRIDE + ((r >> 16) & 0xFFF);
    case 2: return ram_end + ((r >> 8) & 0xFFFFF);
    case 3: return ram_end - 1 - ((r >> 8) & 0xFF); /* straddles the end of RAM */
    case 4: return HYP_MEMORY + ((r >> 8) & 0xFFFF);
    default: return next() | 0x8000000000UL;
    }
}

static void attack_hypercalls(void)
{
    static const char hello[] = "attacker: PERSONA_CONSOLE_WRITE of its own buffer works\n";
    static const u64 huge[] = { 256, 257, 0xFFFF, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF, 0x100000000UL,
                                0x100000001UL, 0x7FFFFFFFFFFFFFFFUL, 0x8000000000000000UL, ~0UL - 1, ~0UL };
    const u32 nhuge = sizeof huge / sizeof huge[0];
    /* lengths past the limit, including ones whose low 32 or 12 bits look small */
    static const u64 long_lens[] = { PERSONA_CONSOLE_WRITE_MAX + 1, 8192, 65536, 0x7FFFFFFF, 0x80000000,
                                     0xFFFFFFFF, 0x100000000UL, 0x100000001UL, 0x100000010UL,
                                     0x1000000000000010UL, 0x7FFFFFFFFFFFFFFFUL, 0x8000000000000000UL,
                                     0x8000000000000010UL, ~0UL - 4095, ~0UL - 1, ~0UL };
    const u32 nlong = sizeof long_lens / sizeof long_lens[0];

    /* identity, versions, time */
    for (u32 i = 0; i < 50; i++) {
        call(PERSONA_WHOAMI | (next() & ~0xFFFFFFFFUL), next(), next(), next());
        call(PERSONA_VTIME, next(), next(), next());
    }
    for (u32 i = 0; i < 20; i++) {
        call(PERSONA_YIELD, next(), next(), next());
        call(PERSONA_ABI_VERSION, next(), next(), next());
        call(SMCCC_VERSION, next(), next(), next());
        call(PSCI_VERSION, next(), next(), next());
        call(PSCI_MIGRATE_INFO_TYPE, next(), next(), next());
    }
    for (u32 i = 0; i < N_KNOWN_IDS; i++) {
        call(PSCI_FEATURES, known_ids[i], next(), next());
        call(SMCCC_ARCH_FEATURES, known_ids[i], next(), next());
    }
    for (u32 i = 0; i < 50; i++) {
        call(PSCI_FEATURES, next(), next(), next());
        call(SMCCC_ARCH_FEATURES, next(), next(), next());
    }
    /* vCPUs: every target, level and entry point, including foreign ones */
    const u64 entries[] = { (u64)atk_park, VAULT_BASE, CHAN_WINDOW, ram_end, HYP_MEMORY, 0, ~0UL };
    for (u64 t = 0; t < 10; t++)
        for (u32 e = 0; e < sizeof entries / sizeof entries[0]; e++) {
            call(PSCI_CPU_ON, t, entries[e], next());
            call(PSCI_CPU_ON64, t, entries[e], next());
        }
    for (u64 t = 0; t < 10; t++)
        for (u64 l = 0; l < 4; l++) {
            call(PSCI_AFFINITY_INFO, t, l, next());
            call(PSCI_AFFINITY_INFO64, t, l, next());
        }
    for (u32 i = 0; i < 50; i++) {
        call(PSCI_CPU_ON, next(), (u64)atk_park, next());
        call(PSCI_CPU_ON64, next(), (u64)atk_park, next());
        call(PSCI_AFFINITY_INFO, next(), next() & 1 ? 0 : next(), next());
        call(PSCI_AFFINITY_INFO64, next(), next() & 1 ? 0 : next(), next());
    }

    /* channels: indices 0..300 and huge ones - none is granted to the attacker */
    for (u64 i = 0; i <= 300; i++) {
        call(PERSONA_CHANNEL_INFO, i, next(), next());
        call(PERSONA_CHANNEL_NOTIFY, i, next(), next());
    }
    for (u32 i = 0; i < nhuge; i++) {
        call(PERSONA_CHANNEL_INFO, huge[i], next(), next());
        call(PERSONA_CHANNEL_NOTIFY, huge[i], next(), next());
        call(PERSONA_CHANNEL_NOTIFY, huge[i], 0, 0);
    }

    /* console: its own buffer, then bad and foreign buffers and lengths 0..2^64-1 */
    if (call(PERSONA_CONSOLE_WRITE, (u64)hello, sizeof hello - 1, 0).x0 != 0) {
        unexpected++;
        REPORT("attacker: UNEXPECTED PERSONA_CONSOLE_WRITE of its own buffer failed\n");
    }
    call(PERSONA_CONSOLE_WRITE, 0, 0, 0);
    call(PERSONA_CONSOLE_WRITE, (u64)hello, 0, 0);
    call(PERSONA_CONSOLE_WRITE, VAULT_BASE, 0, 0);
    for (u32 i = 0; i < nlong; i++) {
        console_refused(0, long_lens[i]); /* null with lengths past the limit */
        console_refused((u64)hello, long_lens[i]);
        console_refused(VAULT_BASE, long_lens[i]);
    }
    console_refused((u64)hello, PERSONA_CONSOLE_WRITE_MAX + 1);
    console_refused(VAULT_BASE, 4);
    console_refused(VAULT_BASE, 64);
    console_refused(VAULT_BASE + 0x10, 16);
    console_refused(VAULT_BASE + 0x10, PERSONA_CONSOLE_WRITE_MAX);
    for (u32 n = 0; n < CHAN_COUNT; n++)
        if (!granted[n])
            console_refused(CHAN_WINDOW + n * CHAN_STRIDE, 64);
    console_refused(ram_end - 8, 16);
    console_refused(ram_end, 1);
    console_refused(ram_end - 1, PERSONA_CONSOLE_WRITE_MAX);
    console_refused(HYP_MEMORY, 16);
    console_refused(IPA_TOP - 8, 16);
    console_refused(~0UL, 1);
    console_refused(~0UL - 7, 16); /* wraps around */
    console_refused(0xFFFF000000000000UL, 16);
    console_refused(VIRT_GICD_BASE, 16); /* device registers are not a buffer */
    console_refused(VIRT_UART_BASE, 4);
    for (u32 i = 0; i < 200; i++) {
        u64 r = next();
        u64 len = r & 1 ? 1 + ((r >> 1) & 0xFFF) : next();
        if (len == 0)
            len = 1;
        console_refused(foreign_ptr(r >> 4), len);
    }

    /* CPU_SUSPEND: a standby, woken by a 1 ms virtual-timer interrupt (IRQs masked: it only wakes) */
    const u32 suspends[] = { PSCI_CPU_SUSPEND, PSCI_CPU_SUSPEND64 };
    for (u32 i = 0; i < 2; i++) {
        gic_enable_irq(INTID_VTIMER, 0x80);
        write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + VIRT_CNTFRQ / 1000);
        write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
        isb();
        struct hvc_result r = hvc_call4(suspends[i], next() & 0xFFFF, (u64)atk_park, next());
        calls++;
        write_sysreg(cntv_ctl_el0, 0);
        gic_disable_irq(INTID_VTIMER);
        isb();
        if (r.x0 != 0) {
            unexpected++;
            REPORT("attacker: UNEXPECTED CPU_SUSPEND -> %ld\n", r.x0);
        }
    }

    /* every id that does not stop the vCPU, with random arguments */
    for (u32 i = 0; i < N_KNOWN_IDS; i++) {
        u32 id = known_ids[i];
        if (id_stops_cpu(id))
            continue;
        for (u32 k = 0; k < 100; k++) {
            u64 a1 = next(), a2 = next(), a3 = next();
            if (k & 1) /* small values too */
                a1 >>= 48, a2 >>= 40, a3 >>= 32;
            if (id == PSCI_CPU_ON || id == PSCI_CPU_ON64)
                a2 = (u64)atk_park;
            if (id == PERSONA_CONSOLE_WRITE) { /* never a buffer it owns: those would print */
                console_refused(foreign_ptr(a1), a2 ? a2 : 1);
                continue;
            }
            call(((u64)(k & 2 ? next() : 0) << 32) | id, a1, a2, a3);
        }
    }
    /* unknown ids: the rest of the vendor-hypervisor range, other owners, random */
    for (u32 id = PERSONA_VTIME + 1; id <= 0xC60000FF; id++)
        call(id, next(), next(), next());
    static const u32 odd_ids[] = { 0, 0xFFFFFFFF, 0x7FFFFFFF, 0x86000000, 0x8600FFFF, 0xC6FFFFFF, 0xC7000000,
                                   0xC5000000, 0xBF00FF01, 0xF2000000, 0x84000005, 0x84000007, 0x8400000B };
    for (u32 i = 0; i < sizeof odd_ids / sizeof odd_ids[0]; i++)
        call(odd_ids[i], next(), next(), next());
    for (u32 i = 0; i < 500; i++) {
        u64 x0 = next();
        if (id_known((u32)x0))
            continue;
        call(x0, next(), next(), next());
    }
    /* SMC #0 is a hypercall too (from EL1) */
    register u64 s0 __asm__("x0") = PSCI_VERSION;
    __asm__ volatile("smc #0" : "+r"(s0) : : "x1", "x2", "x3", "memory");
    calls++;
    if (s0 != 0x10001) {
        unexpected++;
        REPORT("attacker: UNEXPECTED smc PSCI_VERSION -> %lx\n", s0);
    }

    /* semihosting from EL1 with foreign pointers: must not print (or return) foreign bytes */
    static volatile u64 block[3];
    static const char tt[] = ":tt";
    block[0] = (u64)tt, block[1] = 4, block[2] = 3;
    s64 h = semihost_call(SYS_OPEN, (u64)block);
    const u64 bad_ptrs[] = { VAULT_BASE + 0x10, CHAN_WINDOW, ram_end, ram_end - 2, HYP_MEMORY, ~0UL - 3 };
    for (u32 i = 0; i < sizeof bad_ptrs / sizeof bad_ptrs[0]; i++) {
        semihost_call(SYS_WRITE0, bad_ptrs[i]);
        block[0] = (u64)h, block[1] = bad_ptrs[i], block[2] = 64;
        semihost_call(SYS_WRITE, (u64)block);
        semihost_call(SYS_WRITE, bad_ptrs[i]); /* the parameter block itself is foreign */
        calls += 3;
    }
}

/* ---- EL0: the same accesses, and hypercalls/semihosting that must not reach the hypervisor ---- */

static void el0_expect_undef(const char *what, u64 insn)
{
    if (rec.hits != 1 || ESR_EC(rec.esr) != EC_UNKNOWN || rec.elr != insn || rec.vec != VEC_LOWER64_SYNC) {
        leaks++;
        REPORT("attacker: LEAK %s from EL0 was not an undefined instruction (hits=%u esr=%lx)\n", what, rec.hits, rec.esr);
    }
}

static const char el0_leak_msg[] = "attacker: LEAK EL0 reached the hypervisor\n";

static void el0_main(void)
{
    at_el0 = 1;
    attack_memory();
    rec.hits = 0;
    atk_hvc(PERSONA_CONSOLE_WRITE, (u64)el0_leak_msg, sizeof el0_leak_msg - 1, 0);
    el0_expect_undef("hvc", (u64)atk_hvc_insn);
    rec.hits = 0;
    atk_hvc(PSCI_SYSTEM_OFF, 0, 0, 0); /* if this reached the hypervisor the attacker would stop here */
    el0_expect_undef("hvc", (u64)atk_hvc_insn);
    rec.hits = 0;
    atk_smc(PERSONA_CONSOLE_WRITE, (u64)el0_leak_msg, sizeof el0_leak_msg - 1, 0);
    el0_expect_undef("smc", (u64)atk_smc_insn);
    rec.hits = 0;
    atk_smc(PSCI_SYSTEM_OFF, 0, 0, 0);
    el0_expect_undef("smc", (u64)atk_smc_insn);
    rec.hits = 0;
    atk_hlt(SYS_WRITE0, (u64)el0_leak_msg);
    el0_expect_undef("semihosting", (u64)atk_hlt_insn);
    calls += 5;
    __asm__ volatile("svc %0" ::"i"(SVC_EL0_DONE));
    for (;;)
        ;
}

/* ---- the attacker's own RAM must never hold the secret ---- */

static const u8 needle_x[] = { 'C' ^ 0x5A, 'O' ^ 0x5A, 'R' ^ 0x5A, 'P' ^ 0x5A, '-' ^ 0x5A, 'S' ^ 0x5A,
                               'E' ^ 0x5A, 'C' ^ 0x5A, 'R' ^ 0x5A, 'E' ^ 0x5A, 'T' ^ 0x5A };

static u32 scan_ram(void)
{
    u32 found = 0;
    const u64 c8 = 0x0101010101010101UL * (u8)(needle_x[0] ^ 0x5A);
    for (u64 a = VIRT_RAM_BASE; a < ram_end; a += 8) {
        u64 x = *(volatile u64 *)a ^ c8;
        if (((x - 0x0101010101010101UL) & ~x & 0x8080808080808080UL) == 0)
            continue; /* no first byte of the needle in this word */
        for (u64 p = a; p < a + 8; p++) {
            u32 j = 0;
            while (j < sizeof needle_x && p + j < ram_end && *(volatile u8 *)(p + j) == (u8)(needle_x[j] ^ 0x5A))
                j++;
            if (j == sizeof needle_x) {
                found++;
                REPORT("attacker: LEAK the vault secret is in the attacker's RAM at %lx\n", p);
            }
        }
    }
    return found;
}

void el1_after_el0(void)
{
    at_el0 = 0;
    kprintf("attacker: EL0 done\n");
    kprintf("attacker: hypercalls and semihosting\n");
    attack_hypercalls();
    kprintf("attacker: scanning its own RAM for the secret\n");
    leaks += scan_ram();

    kprintf("attacker: faults by class: ram/high %u, channel %u, vault %u, device windows %u, exec %u\n",
            class_faults[0], class_faults[1], class_faults[2], class_faults[3], class_faults[4]);
    if (unexpected)
        kprintf("attacker: %u unexpected results\n", unexpected);
    kprintf("attacker: %u faults taken, %u calls checked, %u leaks\n", faults, calls, leaks);
    u32 bad = leaks + unexpected;
    semihost_exit(bad > 255 ? 255 : bad);
}

int main(void)
{
    install_vectors();
    gic_init();
    static const u8 parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
    u32 parange = read_sysreg(id_aa64mmfr0_el1) & 0xF;
    pa_bits = parange < sizeof parange_bits ? parange_bits[parange] : 52;
    u32 cpus = 1;
    while (cpus < 256 && hvc_call(PSCI_AFFINITY_INFO64, cpus, 0, 0) != PSCI_INVALID_PARAMETERS)
        cpus++;
    vctx_init(&ctx, cpus);
    char name[17];
    for (int i = 0; i < 8; i++)
        name[i] = (char)(ctx.name_lo >> (8 * i)), name[8 + i] = (char)(ctx.name_hi >> (8 * i));
    name[16] = 0;
    u64 ram = fdt_ram_size(VIRT_RAM_BASE);
    if (!ram) {
        kprintf("attacker: no DTB at the RAM base, assuming 64 MiB of RAM\n");
        ram = 64UL << 20;
    }
    ram_end = VIRT_RAM_BASE + ram;
    for (u32 i = 0; i < ctx.channels; i++) {
        struct persona_channel ch;
        if (persona_channel_info(i, &ch) == 0 && ch.base >= CHAN_WINDOW && ch.base < CHAN_WINDOW + CHAN_COUNT * CHAN_STRIDE)
            granted[(ch.base - CHAN_WINDOW) / CHAN_STRIDE] = 1;
    }
    kprintf("attacker: persona %u \"%s\", RAM %lx..%lx, %u vCPU(s), %u channel(s) granted, %u-bit PA\n",
            ctx.my_id, name, (u64)VIRT_RAM_BASE, ram_end, cpus, ctx.channels, pa_bits);

    kprintf("attacker: memory from EL1\n");
    attack_memory();
    kprintf("attacker: memory, hypercalls and semihosting from EL0\n");
    write_sysreg(sp_el0, (u64)(el0_stack + sizeof el0_stack));
    write_sysreg(elr_el1, (u64)el0_main);
    write_sysreg(spsr_el1, SPSR_M_EL0t | SPSR_DAIF); /* EL0 with interrupts masked */
    __asm__ volatile("eret");
    __builtin_unreachable();
}
