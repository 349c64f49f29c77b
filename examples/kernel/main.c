/* The example kernel: boots at EL1, installs its vectors, prints on the PL011, runs the GIC and a
 * 10 ms virtual-timer tick, and drops into one EL0 task that talks to it through SVC system calls.
 * When the task exits it makes a few SMCCC/PSCI hypercalls, prints a summary and powers off with
 * PSCI SYSTEM_OFF. Every printed line is deterministic: tick counts are checked, not printed. */
#include "persona.h"
#include "syscalls.h"

#define TICK_PERIOD (VIRT_CNTFRQ / TICK_HZ)

void task_main(void);
static void kernel_after_task(void) __attribute__((noreturn));

static u8 task_stack[8192] __attribute__((aligned(16)));
static volatile u64 ticks;
static u64 syscalls, irqs, task_exit_code;

static void timer_irq(void)
{
    ticks++;
    u64 next = read_sysreg(cntv_cval_el0) + TICK_PERIOD;
    isb();
    u64 now = read_sysreg(cntvct_el0);
    if (next <= now) /* fell behind (e.g. a slow host): skip missed ticks rather than storm */
        next = now + TICK_PERIOD;
    write_sysreg(cntv_cval_el0, next);
}

static void irq(void)
{
    u32 iar = gic_ack();
    u32 id = GICC_IAR_INTID(iar);
    if (id == GIC_SPURIOUS)
        return;
    irqs++;
    if (id == INTID_VTIMER)
        timer_irq();
    else
        kprintf("kernel: unexpected interrupt %u\n", id);
    gic_eoi(iar);
}

/* Sleep in the kernel until `target`: WFI with IRQs masked (a pending IRQ still wakes it), then
 * briefly unmask so the tick is taken — no window in which a tick can be missed. */
static u64 sleep_until(u64 target)
{
    while (ticks < target) {
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
    return ticks;
}

static void syscall(struct frame *f)
{
    syscalls++;
    u64 *ret = &f->x[0];
    switch (f->x[8]) {
    case SC_PUTS:
        kprintf("%s", (const char *)f->x[0]);
        *ret = strlen((const char *)f->x[0]);
        break;
    case SC_TICKS:
        *ret = ticks;
        break;
    case SC_SLEEP:
        *ret = sleep_until(f->x[0]);
        break;
    case SC_YIELD:
        *ret = sleep_until(ticks + 1);
        break;
    case SC_EXIT:
        task_exit_code = f->x[0];
        f->elr = (u64)kernel_after_task; /* "return" into the kernel at EL1h, IRQs masked */
        f->spsr = SPSR_M_EL1h | SPSR_DAIF;
        break;
    default:
        kprintf("kernel: unknown syscall %lu\n", f->x[8]);
        *ret = (u64)-1;
    }
}

void exception_handler(struct frame *f, u32 vec)
{
    if (vec == VEC_CUR_SPX_IRQ || vec == VEC_LOWER64_IRQ) {
        irq();
    } else if (vec == VEC_LOWER64_SYNC && ESR_EC(f->esr) == EC_SVC64) {
        syscall(f);
    } else {
        kprintf("kernel: fatal exception vec=%u esr=%lx elr=%lx far=%lx\n", vec, f->esr, f->elr, f->far);
        psci_system_off();
    }
}

static int failures;
static void check(int ok, const char *what)
{
    kprintf("kernel: %s %s\n", ok ? "OK" : "FAIL", what);
    failures += !ok;
}

static void kernel_after_task(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    gic_disable_irq(INTID_VTIMER);
    kprintf("kernel: task exited with code %lu\n", task_exit_code);
    check(task_exit_code == 0, "task exit code is 0");
    check(ticks >= 6, "at least 6 timer ticks");
    check(irqs >= ticks, "every tick was a GIC interrupt");
    check(syscalls == 29, "29 system calls served"); /* the count task.c makes */

    /* QEMU 7.2 answers NOT_SUPPORTED (-1); a hypervisor implementing SMCCC >= 1.1 gives 0x1000x. */
    s64 smccc = hvc_call(SMCCC_VERSION, 0, 0, 0);
    kprintf("kernel: SMCCC_VERSION -> %ld\n", smccc);
    check(smccc == PSCI_NOT_SUPPORTED || smccc >= 0x10000, "SMCCC_VERSION is NOT_SUPPORTED or 1.0+");
    s64 psci = hvc_call(PSCI_VERSION, 0, 0, 0);
    kprintf("kernel: PSCI_VERSION -> %u.%u\n", PSCI_VERSION_MAJOR(psci), PSCI_VERSION_MINOR(psci));
    check(psci >= 0x10000, "PSCI 1.0 or later");
    s64 feat = hvc_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0);
    kprintf("kernel: PSCI_FEATURES(SYSTEM_OFF) -> %ld\n", feat);
    check(feat == PSCI_SUCCESS, "SYSTEM_OFF is supported");
    feat = hvc_call(PSCI_FEATURES, 0x8400DEAD, 0, 0);
    check(feat == PSCI_NOT_SUPPORTED, "PSCI_FEATURES(unknown) is NOT_SUPPORTED");

    kprintf("kernel: %s, powering off\n", failures ? "FAILED" : "all checks passed");
    psci_system_off();
}

int main(void)
{
    install_vectors();
    kprintf("kernel: booting at EL%u\n", (u32)(read_sysreg(CurrentEL) >> 2) & 3);

    gic_init();
    gic_enable_irq(INTID_VTIMER, 0x80);
    isb();
    write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + TICK_PERIOD);
    write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
    kprintf("kernel: GIC up, virtual timer ticking at %u Hz\n", TICK_HZ);

    kprintf("kernel: entering the EL0 task\n");
    write_sysreg(sp_el0, (u64)(task_stack + sizeof task_stack));
    write_sysreg(elr_el1, (u64)task_main);
    write_sysreg(spsr_el1, SPSR_M_EL0t); /* EL0t with DAIF clear: ticks interrupt the task */
    __asm__ volatile("eret");
    __builtin_unreachable();
}
