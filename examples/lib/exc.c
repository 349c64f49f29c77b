/* Default exception handling: a guest that does not expect an exception reports it and stops,
 * so a bug shows up as a clear line instead of a silent hang. */
#include "persona.h"

__attribute__((weak)) void exception_handler(struct frame *f, u32 vec)
{
    kprintf("unhandled exception: vec=%u esr=%lx elr=%lx far=%lx spsr=%lx\n", vec, f->esr, f->elr,
            f->far, f->spsr);
    psci_system_off();
}

void install_vectors(void)
{
    write_sysreg(vbar_el1, (u64)vectors_el1);
    isb();
}

void psci_system_off(void)
{
    hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;) /* SYSTEM_OFF does not return; if it did, stay put rather than run off */
        wfi();
}

void semihost_exit(u64 code)
{
    /* AArch64 semihosting exit takes a pointer to {reason, subcode}. */
    static volatile u64 block[2];
    block[0] = ADP_Stopped_ApplicationExit;
    block[1] = code;
    semihost_call(SYS_EXIT_EXTENDED, (u64)block);
    for (;;)
        wfi();
}
