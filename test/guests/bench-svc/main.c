/* bench-svc — EL0 system calls reflected to an EL1 kernel: an EL0 loop makes SVC_N `svc #0` whose
 * handler (svc.S) checks ESR_EL1 (EC 0x15) and ERETs at once. Timed at EL0 with CNTVCT_EL0
 * (CNTKCTL_EL1.EL0VCTEN set). Prints `svc: N calls in T ticks` and powers off (PSCI SYSTEM_OFF).
 * Runs unmodified on QEMU virt, where SVC is taken natively by TCG. */
#include "persona.h"

#define SVC_N 2000000UL

extern char svc_vectors[];
void el0_loop(u64 n, u64 *ticks) __attribute__((noreturn));

static u64 ticks;
static u8 el0_stack[4096] __attribute__((aligned(16)));

/* Entered from svc.S on SVC #1 (kind 1: end of the loop) or any other exception (kind 0). */
void svc_slow(u64 esr, u64 elr, u64 kind)
{
    if (kind == 1 && ESR_EC(esr) == EC_SVC64 && (esr & 0xFFFF) == 1) {
        kprintf("svc: %lu calls in %lu ticks\n", SVC_N, ticks);
    } else {
        kprintf("svc: FAIL: unexpected exception esr=%lx (EC %x) elr=%lx\n", esr, ESR_EC(esr), elr);
    }
    psci_system_off();
}

int main(void)
{
    write_sysreg(vbar_el1, (u64)svc_vectors);
    write_sysreg(cntkctl_el1, 3); /* EL0PCTEN | EL0VCTEN: EL0 may read the counters */
    write_sysreg(sp_el0, (u64)(el0_stack + sizeof el0_stack));
    write_sysreg(elr_el1, (u64)el0_loop);
    write_sysreg(spsr_el1, SPSR_M_EL0t); /* EL0t, interrupts unmasked (none are enabled) */
    isb();
    register u64 x0 __asm__("x0") = SVC_N;
    register u64 x1 __asm__("x1") = (u64)&ticks;
    __asm__ volatile("eret" : : "r"(x0), "r"(x1) : "memory");
    __builtin_unreachable();
}
