/* timer — generic timer + GICv2 checker. For the virtual timer (CNTV_*, INTID 27) and then the EL1
 * physical timer (CNTP_*, INTID 30), 20 times: arm a deadline 2 ms ahead, WFI until the IRQ, and
 * check in the handler that it is not early (counter >= CVAL, ISTATUS set), that GICC_IAR named
 * the right INTID, then disable the timer and EOI; afterwards check it does not fire again and is
 * not left pending. The other timer serves as a 50 ms watchdog so a lost interrupt fails instead
 * of hanging. Also checks CNTFRQ_EL0 == 62.5 MHz. Exit (semihosting): 0 ok, else failure count. */
#include "persona.h"

#define ROUNDS 20
#define DEADLINE_TICKS (VIRT_CNTFRQ / 500)  /* 2 ms */
#define WATCHDOG_TICKS (VIRT_CNTFRQ / 20)   /* 50 ms */
#define QUIET_TICKS    (VIRT_CNTFRQ / 1000) /* 1 ms with IRQs on after the timer is disabled */

enum { VIRT, PHYS };
static const char *const names[] = {"vtimer", "ptimer"};
static const u32 intids[] = {INTID_VTIMER, INTID_PTIMER};

static int failures;
static volatile u32 fired, timed_out, spurious;
static volatile u64 armed_cval;
static int cur; /* timer under test; the other one is the watchdog */

static u64 counter(int t)
{
    isb(); /* the counter read must not be hoisted above earlier instructions */
    return t == VIRT ? read_sysreg(cntvct_el0) : read_sysreg(cntpct_el0);
}
static void set_cval(int t, u64 v)
{
    if (t == VIRT)
        write_sysreg(cntv_cval_el0, v);
    else
        write_sysreg(cntp_cval_el0, v);
}
static void set_ctl(int t, u64 v)
{
    if (t == VIRT)
        write_sysreg(cntv_ctl_el0, v);
    else
        write_sysreg(cntp_ctl_el0, v);
    isb();
}
static u64 get_ctl(int t) { return t == VIRT ? read_sysreg(cntv_ctl_el0) : read_sysreg(cntp_ctl_el0); }

static void fail(const char *what, u64 got, u64 want)
{
    kprintf("FAIL %s %s: got %lx want %lx\n", names[cur], what, got, want);
    failures++;
}

void exception_handler(struct frame *f, u32 vec)
{
    if (vec != VEC_CUR_SPX_IRQ) {
        kprintf("FAIL unexpected exception vec=%u esr=%lx elr=%lx\n", vec, f->esr, f->elr);
        semihost_exit(100);
    }
    u32 iar = gic_ack();
    u32 id = GICC_IAR_INTID(iar);
    if (id == GIC_SPURIOUS) {
        spurious++;
        return; /* a spurious IAR must not be EOIed */
    }
    if (id == intids[cur]) {
        u64 now = counter(cur);
        if (now < armed_cval)
            fail("early interrupt: counter", now, armed_cval);
        if (!(get_ctl(cur) & CNT_CTL_ISTATUS))
            fail("ISTATUS at arrival", get_ctl(cur), get_ctl(cur) | CNT_CTL_ISTATUS);
        if (iar != intids[cur]) /* PPIs report CPUID 0 in bits 12:10 */
            fail("GICC_IAR", iar, intids[cur]);
        set_ctl(cur, 0); /* lower the level before EOI so it cannot re-fire */
        fired++;
    } else if (id == intids[!cur]) {
        set_ctl(!cur, 0);
        /* A host that stalled past both deadlines raises both: the watchdog only means a lost
         * interrupt while the awaited timer's condition is still unmet. */
        if (!(get_ctl(cur) & CNT_CTL_ISTATUS))
            timed_out = 1;
    } else {
        fail("unexpected INTID", id, intids[cur]);
    }
    gic_eoi(iar);
}

static void one_round(void)
{
    fired = timed_out = 0;
    u64 now = counter(cur);
    set_cval(!cur, now + WATCHDOG_TICKS);
    set_ctl(!cur, CNT_CTL_ENABLE);
    armed_cval = now + DEADLINE_TICKS;
    set_cval(cur, armed_cval);
    set_ctl(cur, CNT_CTL_ENABLE);

    /* WFI with IRQs masked (it still wakes on a pending IRQ), then open a window to take it:
     * no lost-wakeup race between testing `fired` and sleeping. */
    while (!fired && !timed_out) {
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
    set_ctl(!cur, 0);
    if (timed_out) {
        fail("interrupt never arrived: fired", fired, 1);
        return;
    }
    /* Timer disabled in the handler: it must stay quiet with IRQs enabled. */
    u64 until = counter(cur) + QUIET_TICKS;
    irq_enable();
    while (counter(cur) < until)
        ;
    irq_disable();
    if (fired != 1)
        fail("re-fired after disable: count", fired, 1);
    if (gic_is_pending(intids[cur]))
        fail("still pending after disable", 1, 0);
}

int main(void)
{
    install_vectors();
    gic_init();
    gic_enable_irq(INTID_VTIMER, 0x80);
    gic_enable_irq(INTID_PTIMER, 0x80);

    u64 frq = read_sysreg(cntfrq_el0);
    if (frq != VIRT_CNTFRQ) {
        kprintf("FAIL CNTFRQ_EL0: got %lu want %lu\n", frq, VIRT_CNTFRQ);
        failures++;
    } else {
        kprintf("ok cntfrq 62500000\n");
    }

    for (cur = VIRT; cur <= PHYS; cur++) {
        int before = failures;
        for (int i = 0; i < ROUNDS; i++)
            one_round();
        if (failures == before)
            kprintf("ok %s: %d interrupts, none early, right INTID, none re-fired\n", names[cur], ROUNDS);
    }
    kprintf("timer: %d failure(s)\n", failures);
    semihost_exit(failures);
}
