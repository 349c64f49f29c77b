/* smc — self-modifying code across CPUs (run with -smp 2 / --cpus 2). CPU 0 runs a small function
 * from RAM (it returns 1), CPU 1 rewrites it to return 2 and performs the architectural cache
 * maintenance (DC CVAU, DSB, IC IVAU, DSB, ISB), then CPU 0 calls it again and must get 2. On an
 * emulator where each CPU keeps its own translated code, this passes only if the hypervisor turns
 * the guest's IC instructions into invalidation of the other CPUs' code. Exit (semihosting): 0 ok. */
#include "persona.h"

extern char secondary_entry[];

/* Code page in .data (writable, executable: the MMU is off). Two instructions: mov w0, #1; ret. */
static volatile u32 code[16] __attribute__((aligned(64))) = { 0x52800020u, 0xd65f03c0u };
static volatile u32 patched, failures;

typedef u32 (*fn_t)(void);

static u32 call_code(void)
{
    __asm__ volatile("isb" ::: "memory");
    return ((fn_t)(uptr)code)();
}

void secondary_main(u64 ctx)
{
    (void)ctx;
    code[0] = 0x52800040u; /* mov w0, #2 */
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" :: "r"(code) : "memory");
    dmb(ish);
    patched = 1;
    hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

int main(void)
{
    u32 before = call_code();
    for (int i = 0; i < 1000; i++) before = call_code(); /* make sure CPU 0 has translated it */
    if (before != 1) {
        kprintf("FAIL the original function returned %u\n", before);
        failures++;
    }
    s64 r = hvc_call(PSCI_CPU_ON64, 1, (u64)(uptr)secondary_entry, 0);
    if (r != PSCI_SUCCESS) {
        kprintf("FAIL CPU_ON returned %ld\n", r);
        semihost_exit(100);
    }
    while (!patched)
        dmb(ish);
    u32 after = call_code();
    if (after != 2) {
        kprintf("FAIL after CPU 1 rewrote it, the function returned %u, want 2\n", after);
        failures++;
    } else {
        kprintf("ok the function rewritten by CPU 1 returns 2 on CPU 0\n");
    }
    semihost_exit(failures);
}
