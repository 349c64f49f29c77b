/* bench-hvc — null hypercalls: HVC #0 with an unknown vendor-hypervisor function id
 * (0xC60000FF, SMCCC "vendor specific hypervisor service", 64-bit fast call, past the Persona ABI's
 * calls), which must answer
 * NOT_SUPPORTED (-1). Checked once, then HVC_N calls in a tight loop timed with CNTVCT_EL0 (62.5 MHz).
 * Prints `hvc: N calls in T ticks` and powers off with PSCI SYSTEM_OFF.
 * On QEMU virt (no EL2, PSCI conduit HVC) an HVC whose id is not a PSCI call is UNDEFINED: the
 * exception handler below reports `hvc: unsupported: ...` and powers off. */
#include "persona.h"

#define HVC_N 2000000UL
#define VENDOR_HYP_ID 0xC60000FFUL

void exception_handler(struct frame *f, u32 vec)
{
    kprintf("hvc: unsupported: exception vec=%u esr=%lx (EC %x) elr=%lx\n", vec, f->esr,
            ESR_EC(f->esr), f->elr);
    psci_system_off();
}

int main(void)
{
    install_vectors();
    s64 r = hvc_call(VENDOR_HYP_ID, 0, 0, 0);
    if (r != PSCI_NOT_SUPPORTED) {
        kprintf("hvc: FAIL: function %lx returned %ld, expected -1 (NOT_SUPPORTED)\n", VENDOR_HYP_ID, r);
        psci_system_off();
    }
    u64 n = HVC_N;
    u64 t0 = read_sysreg(cntvct_el0);
    __asm__ volatile("1:  movz  x0, #0xc600, lsl #16\n"
                     "    movk  x0, #0x00ff\n"
                     "    hvc   #0\n"
                     "    subs  %0, %0, #1\n"
                     "    b.ne  1b\n"
                     : "+r"(n)
                     :
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x16", "x17", "cc", "memory");
    u64 t1 = read_sysreg(cntvct_el0);
    kprintf("hvc: %lu calls in %lu ticks\n", HVC_N, t1 - t0);
    psci_system_off();
}
