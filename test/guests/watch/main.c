/* watch — a guest for the debugger's data breakpoints, exception frames and SVC stepping (run with
 * 2 CPUs). One 4 KiB page holds `watched` and `neighbours`: the watched word is written once from
 * EL1 (CPU 0), once from EL0 (CPU 0, between two SVC system calls) and once from CPU 1, and read at
 * the end; every write is surrounded by read-modify-writes of its neighbours, which a debugger
 * watching `watched` must let through unchanged. The EL0 code makes `svc #1` calls (x0 + 1 comes
 * back) through the shared vectors, whose handler calls sys_add(). Exit (semihosting): 0 when
 * every value is as written, else the number of wrong ones. */
#include "persona.h"

#define SVC_ADD  1
#define SVC_DONE 0xFFFF /* EL0 is finished: back to the EL1 main line */
#define TIMEOUT_TICKS VIRT_CNTFRQ

/* GCC emits these in reverse order: neighbours starts the page, watched follows (checked below). */
volatile u64 watched __attribute__((section(".data.watch"))) = 1;
volatile u64 neighbours[16] __attribute__((section(".data.watch"), aligned(4096)));

extern char secondary_entry[];
static volatile u32 cpu1_done;
static u8 el0_stack[4096] __attribute__((aligned(16)));
static int failures;
void el1_after_el0(void) __attribute__((noreturn));

static void touch_neighbours(u64 add)
{
    for (int i = 0; i < 15; i++)
        neighbours[i] += add;
}

__attribute__((noinline)) u64 sys_add(u64 x)
{
    return x + 1;
}

void exception_handler(struct frame *f, u32 vec)
{
    u32 ec = ESR_EC(f->esr);
    if (vec == VEC_LOWER64_SYNC && ec == EC_SVC64 && ESR_ISS(f->esr) == SVC_ADD) {
        f->x[0] = sys_add(f->x[0]);
        return;
    }
    if (vec == VEC_LOWER64_SYNC && ec == EC_SVC64 && ESR_ISS(f->esr) == SVC_DONE) {
        f->elr = (u64)el1_after_el0;
        f->spsr = SPSR_M_EL1h | SPSR_DAIF;
        return;
    }
    kprintf("watch: FAIL unexpected exception vec=%u esr=%lx elr=%lx\n", vec, f->esr, f->elr);
    semihost_exit(100);
}

static inline u64 el0_syscall_add(u64 x)
{
    register u64 x0 __asm__("x0") = x;
    __asm__ volatile("svc %1" : "+r"(x0) : "i"(SVC_ADD) : "memory");
    return x0;
}

static void expect(const char *what, u64 got, u64 want)
{
    if (got != want) {
        kprintf("watch: FAIL %s: got %lx want %lx\n", what, got, want);
        failures++;
    }
}

__attribute__((noinline)) void el0_main(void)
{
    u64 v = el0_syscall_add(41);
    touch_neighbours(2);
    watched = 0x22;
    touch_neighbours(4);
    v = el0_syscall_add(v);
    neighbours[15] = v; /* 43 */
    __asm__ volatile("svc %0" ::"i"(SVC_DONE));
    for (;;)
        ;
}

void secondary_main(u64 ctx)
{
    touch_neighbours(8);
    watched = ctx;
    touch_neighbours(16);
    dmb(ish);
    cpu1_done = 1;
    hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

void el1_after_el0(void)
{
    expect("CPU_ON(1)", hvc_call(PSCI_CPU_ON64, 1, (u64)secondary_entry, 0x33), PSCI_SUCCESS);
    u64 end = read_sysreg(cntvct_el0) + TIMEOUT_TICKS;
    while (!cpu1_done && read_sysreg(cntvct_el0) < end)
        ;
    dmb(ish);
    expect("cpu1 done", cpu1_done, 1);
    u64 last = watched;
    expect("watched", last, 0x33);
    for (int i = 0; i < 15; i++)
        expect("neighbour", neighbours[i], 1 + 2 + 4 + 8 + 16);
    expect("neighbours[15] (EL0 system calls)", neighbours[15], 43);
    kprintf("watch: %d failure(s), watched=%lx\n", failures, last);
    semihost_exit(failures);
}

int main(void)
{
    install_vectors();
    expect("watched shares the neighbours' page", ((u64)&watched ^ (u64)neighbours) >> 12, 0);
    touch_neighbours(1);
    watched = 0x11;
    expect("EL1 write", watched, 0x11);
    write_sysreg(sp_el0, (u64)(el0_stack + sizeof el0_stack));
    write_sysreg(elr_el1, (u64)el0_main);
    write_sysreg(spsr_el1, SPSR_M_EL0t | SPSR_DAIF);
    __asm__ volatile("eret");
    __builtin_unreachable();
}
