/* hello — a plain bare-metal ELF for QEMU's virt machine: PL011 output, the generic timer's
 * frequency, PSCI over HVC, some arithmetic, then PSCI SYSTEM_OFF. No semihosting, so it runs
 * unchanged on `qemu-system-aarch64 -M virt` and on a Persona persona. Output is deterministic. */
#include "persona.h"

static u64 fib(u32 n)
{
    u64 a = 0, b = 1;
    while (n--) {
        u64 t = a + b;
        a = b;
        b = t;
    }
    return a;
}

static u32 primes_below(u32 n)
{
    u32 count = 0;
    for (u32 i = 2; i < n; i++) {
        u32 d = 2;
        while (d * d <= i && i % d)
            d++;
        count += d * d > i;
    }
    return count;
}

int main(void)
{
    uart_puts("Hello from a bare-metal guest on the virt board!\n");
    kprintf("CurrentEL: EL%u\n", (u32)(read_sysreg(CurrentEL) >> 2) & 3);
    kprintf("CNTFRQ_EL0: %lu Hz\n", read_sysreg(cntfrq_el0));

    s64 v = hvc_call(PSCI_VERSION, 0, 0, 0);
    kprintf("PSCI version: %u.%u\n", PSCI_VERSION_MAJOR(v), PSCI_VERSION_MINOR(v));

    kprintf("fib(90) = %lu\n", fib(90));
    kprintf("primes below 10000: %u\n", primes_below(10000));
    kprintf("0x%08x ^ 0x%08x = 0x%08x\n", 0xDEADBEEFu, 0x12345678u, 0xDEADBEEFu ^ 0x12345678u);

    uart_puts("Goodbye: PSCI SYSTEM_OFF\n");
    psci_system_off();
}
