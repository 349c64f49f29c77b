/* nowhere — a guest that jumps into nothing: it prints one line, then branches to an unmapped
 * physical address (past the end of RAM) with no vector table installed. The instruction abort
 * then vectors to VBAR_EL1 (0) + 0x200, i.e. into the empty flash at address 0, where the guest
 * faults again and again. Under QEMU 7.2: a prefetch abort with ESR 0x86000010 (EC 0x21, IFSC 0x10
 * synchronous external abort, EA=0), FAR = ELR = 0x80000000, then the flash reads as zeros
 * (UDF #0) and every entry at 0x200 takes an Undefined Instruction exception to 0x200 again. A platform must survive this (report it, stop or keep running under a
 * watchdog) rather than crash or hang its host. Build-only: there is no passing outcome. */
#include "persona.h"

int main(void)
{
    uart_puts("nowhere: jumping to 0x80000000 with VBAR_EL1 = 0\n");
    /* QEMU resets VBAR_EL1 to 0 but the architecture leaves it UNKNOWN: make it definite. */
    write_sysreg(vbar_el1, 0);
    isb();
    ((void (*)(void))VIRT_UNMAPPED_ADDR)();
    uart_puts("nowhere: FAIL came back\n");
    return 1;
}
