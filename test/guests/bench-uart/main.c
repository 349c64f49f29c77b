/* bench-uart — PL011 throughput: UART_BYTES bytes written to UART_DR, polling FR.TXFF before each
 * byte, timed with CNTVCT_EL0. The data is lines of 63 letters + '\n' (no CR), so the bench can count
 * them on the host. Then prints `uart: N bytes in T ticks` and powers off (PSCI SYSTEM_OFF). */
#include "persona.h"

#ifndef UART_BYTES
#define UART_BYTES (4UL << 20)
#endif

int main(void)
{
    volatile u32 *fr = (volatile u32 *)(VIRT_UART_BASE + UART_FR);
    volatile u32 *dr = (volatile u32 *)(VIRT_UART_BASE + UART_DR);
    uart_puts("uart: start\n");
    isb();
    u64 t0 = read_sysreg(cntvct_el0);
    for (u64 i = 0; i < UART_BYTES; i++) {
        u32 c = (i & 63) == 63 ? '\n' : 'a' + (u32)(i % 26);
        while (*fr & UART_FR_TXFF)
            ;
        *dr = c;
    }
    isb();
    u64 t1 = read_sysreg(cntvct_el0);
    kprintf("uart: %lu bytes in %lu ticks\n", UART_BYTES, t1 - t0);
    psci_system_off();
}
