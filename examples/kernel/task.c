/* The EL0 task: runs unprivileged on its own stack and reaches the kernel only through SVC. */
#include "persona.h"
#include "syscalls.h"

static s64 syscall(u64 nr, u64 a0)
{
    register u64 x8 __asm__("x8") = nr;
    register u64 x0 __asm__("x0") = a0;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
    return (s64)x0;
}

static void puts(const char *s) { syscall(SC_PUTS, (u64)s); }

/* Small decimal formatter: the task has no kprintf (that would touch the UART directly). */
static const char *num(u64 v)
{
    static char buf[24];
    char *p = buf + sizeof buf - 1;
    *p = 0;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    return p;
}

void task_main(void)
{
    int bad = 0;
    puts("task: hello from EL0\n");

    u64 t0 = syscall(SC_TICKS, 0);
    for (u64 i = 1; i <= 5; i++) {
        u64 woke = syscall(SC_SLEEP, t0 + i);
        if (woke < t0 + i) {
            puts("task: FAIL woke before the tick it asked for\n");
            bad++;
        }
        puts("task: sleep until tick t0+");
        puts(num(i));
        puts(" ok\n");
    }
    u64 t1 = syscall(SC_YIELD, 0);
    puts(t1 > t0 + 5 ? "task: yield ok\n" : (bad++, "task: FAIL yield did not wait for a tick\n"));

    u64 sum = 0; /* some EL0 work between syscalls */
    for (u64 i = 1; i <= 1000; i++)
        sum += i * i;
    puts("task: sum of squares 1..1000 = ");
    puts(num(sum));
    puts(sum == 333833500 ? " ok\n" : (bad++, " FAIL\n"));

    puts("task: exit\n");
    syscall(SC_EXIT, bad);
    for (;;) /* not reached */
        ;
}
