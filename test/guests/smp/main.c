/* smp — PSCI CPU power management with two CPUs (run with -smp 2). CPU 0 starts CPU 1 with
 * CPU_ON (MPIDR 1, entry point, context id), CPU 1 reports in with the context id it got in x0,
 * AFFINITY_INFO must say ON, a second CPU_ON must return ALREADY_ON, CPU 1 calls CPU_OFF and
 * AFFINITY_INFO must then say OFF; the cycle runs twice (an OFF CPU can be started again). Bad
 * MPIDRs must return INVALID_PARAMETERS. Exit (semihosting): 0 ok, else the failure count. */
#include "persona.h"

#define TIMEOUT_TICKS VIRT_CNTFRQ /* 1 s: generous, QEMU needs microseconds */

extern char secondary_entry[]; /* lib/start.S: sets up CPU 1's stack, calls secondary_main(ctx) */

static volatile u64 up_ctx, up_mpidr, up_el;
static volatile u32 up, go_off;
static int failures;

static void expect(const char *what, s64 got, s64 want)
{
    if (got == want) {
        kprintf("ok %s = %ld\n", what, got);
    } else {
        kprintf("FAIL %s: got %ld want %ld\n", what, got, want);
        failures++;
    }
}

void secondary_main(u64 ctx)
{
    up_ctx = ctx;
    up_mpidr = read_sysreg(mpidr_el1);
    up_el = (read_sysreg(CurrentEL) >> 2) & 3;
    kprintf("cpu1 up ctx=%lx\n", ctx);
    dmb(ish);
    up = 1;
    while (!go_off)
        dmb(ish);
    kprintf("cpu1 calling CPU_OFF\n");
    hvc_call(PSCI_CPU_OFF, 0, 0, 0); /* does not return on success */
    kprintf("FAIL cpu1: CPU_OFF returned\n");
}

/* Spin until *flag is set or the timeout passes; returns whether it was set. */
static int wait_flag(volatile u32 *flag)
{
    u64 end = read_sysreg(cntvct_el0) + TIMEOUT_TICKS;
    while (!*flag)
        if (read_sysreg(cntvct_el0) > end)
            return 0;
    dmb(ish);
    return 1;
}

static s64 wait_affinity(u64 mpidr, s64 want)
{
    u64 end = read_sysreg(cntvct_el0) + TIMEOUT_TICKS;
    s64 r;
    while ((r = hvc_call(PSCI_AFFINITY_INFO64, mpidr, 0, 0)) != want && read_sysreg(cntvct_el0) < end)
        ;
    return r;
}

static void cycle(u64 ctx)
{
    up = go_off = 0;
    dmb(ish);
    expect("CPU_ON(1)", hvc_call(PSCI_CPU_ON64, 1, (u64)secondary_entry, ctx), PSCI_SUCCESS);
    if (!wait_flag(&up)) {
        kprintf("FAIL cpu1 never came up\n");
        failures++;
        return;
    }
    expect("cpu1 context id matches", up_ctx == ctx, 1);
    expect("cpu1 MPIDR.Aff0", up_mpidr & 0xFF, 1);
    expect("cpu1 CurrentEL", up_el, 1);
    expect("AFFINITY_INFO(1) while up", hvc_call(PSCI_AFFINITY_INFO64, 1, 0, 0), PSCI_AFF_ON);
    expect("CPU_ON(1) again", hvc_call(PSCI_CPU_ON64, 1, (u64)secondary_entry, ctx), PSCI_ALREADY_ON);
    go_off = 1;
    dmb(ish);
    expect("AFFINITY_INFO(1) after CPU_OFF", wait_affinity(1, PSCI_AFF_OFF), PSCI_AFF_OFF);
}

int main(void)
{
    install_vectors();
    expect("PSCI_FEATURES(CPU_ON64)", hvc_call(PSCI_FEATURES, PSCI_CPU_ON64, 0, 0), PSCI_SUCCESS);
    expect("AFFINITY_INFO(0)", hvc_call(PSCI_AFFINITY_INFO64, 0, 0, 0), PSCI_AFF_ON);
    expect("AFFINITY_INFO(1) before", hvc_call(PSCI_AFFINITY_INFO64, 1, 0, 0), PSCI_AFF_OFF);
    expect("CPU_ON(7) no such CPU", hvc_call(PSCI_CPU_ON64, 7, (u64)secondary_entry, 0),
           PSCI_INVALID_PARAMETERS);
    cycle(0x5EC0DD01);
    cycle(0x5EC0DD02); /* a CPU that was turned off can be turned on again */
    kprintf("smp: %d failure(s)\n", failures);
    semihost_exit(failures);
}
