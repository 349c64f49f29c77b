/* bench-channel — channel round trips between two personas (run pingpong.json; npm run bench).
 * One image for both ends: PERSONA_WHOAMI id 0 is the pinger, id 1 the ponger. Protocol in the
 * channel's shared segment (the doorbell payload does not reach the guest): the pinger writes the
 * sequence number i to `ping`, `dmb ish`, rings the doorbell (PERSONA_CHANNEL_NOTIFY, payload i)
 * and waits for its own doorbell; the ponger, woken by its doorbell, reads `ping`, copies it to
 * `pong`, `dmb ish`, rings back. Waiting is the phone kernel's: WFI with IRQs masked (no doorbell
 * can slip between the check and the wait), then IRQs opened for an instant to take it; the
 * doorbell SPI is set edge-triggered (GICD_ICFGR) so that it stays pending until taken.
 * Before the first ping the ponger sets `ready` (its GIC is up, so no doorbell is lost).
 * The pinger times PINGS round trips with CNTVCT_EL0 and prints
 * `channel: N round trips in T ticks`; both power off with PSCI SYSTEM_OFF (the ponger after the
 * last ping). Alone (no channel) it says so and powers off. A 60 s virtual-timer watchdog over the
 * whole exchange turns a lost doorbell into `channel: FAIL ...` instead of a hang. */
#include "persona.h"
#include "../../../examples/lib/persona-calls.h"

#define PINGS 20000u
#define WATCHDOG_S 60 /* the whole exchange, in virtual time */

struct segment {
    volatile u32 ready; /* ponger: GIC up, waiting for pings */
    volatile u32 ping;  /* pinger -> ponger: sequence number */
    volatile u32 pong;  /* ponger -> pinger: the sequence number it answers */
};

static struct persona_channel chan;
static struct segment *seg;
static volatile u64 doorbells;
static volatile int timed_out;

void exception_handler(struct frame *f, u32 vec)
{
    if (vec == VEC_CUR_SPX_IRQ) {
        u32 iar = gic_ack();
        u32 id = GICC_IAR_INTID(iar);
        if (id == GIC_SPURIOUS)
            return;
        if (id == chan.intid) {
            doorbells++;
        } else if (id == INTID_VTIMER) {
            write_sysreg(cntv_ctl_el0, 0);
            timed_out = 1;
        } else {
            kprintf("channel: unexpected interrupt %u\n", id);
        }
        gic_eoi(iar);
        return;
    }
    kprintf("channel: fatal exception vec=%u esr=%lx elr=%lx far=%lx\n", vec, f->esr, f->elr, f->far);
    semihost_exit(2);
}

/* Waits until *word == want (WFI, IRQs masked). Returns 0, or -1 once the watchdog has fired. */
static int wait_for(volatile u32 *word, u32 want)
{
    for (;;) {
        if (*word == want) {
            dmb(ish); /* the word before anything it announces */
            return 0;
        }
        if (timed_out)
            return -1;
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
}

/* One virtual-timer deadline for the whole exchange (not one per wait: each arming is a trapped
 * system-register write, which would be counted as channel cost). */
static void arm_watchdog(void)
{
    write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + (u64)WATCHDOG_S * VIRT_CNTFRQ);
    write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
    isb();
}

static void notify(u32 payload)
{
    dmb(ish); /* the segment before the doorbell */
    s64 r = persona_channel_notify(chan.index, payload);
    if (r != PERSONA_RET_SUCCESS) {
        kprintf("channel: FAIL PERSONA_CHANNEL_NOTIFY(%u) -> %ld\n", payload, r);
        semihost_exit(1);
    }
}

static void pinger(void)
{
    /* The ponger may not be up yet: poll its flag, yielding the host thread in between. */
    u64 start = read_sysreg(cntvct_el0);
    while (!seg->ready) {
        if (read_sysreg(cntvct_el0) - start > 10 * VIRT_CNTFRQ) {
            kprintf("channel: FAIL the ponger never came up\n");
            semihost_exit(1);
        }
        persona_yield();
    }
    dmb(ish);
    arm_watchdog();
    u64 t0 = read_sysreg(cntvct_el0);
    for (u32 i = 1; i <= PINGS; i++) {
        seg->ping = i;
        notify(i);
        if (wait_for(&seg->pong, i) != 0) {
            kprintf("channel: FAIL no reply to ping %u after %u s (pong = %u)\n", i, WATCHDOG_S, seg->pong);
            semihost_exit(1);
        }
    }
    u64 t1 = read_sysreg(cntvct_el0);
    kprintf("channel: %u round trips in %lu ticks\n", PINGS, t1 - t0);
    kprintf("channel: pinger took %lu doorbells\n", (u64)doorbells);
}

static void ponger(void)
{
    arm_watchdog();
    dmb(ish);
    seg->ready = 1;
    for (u32 i = 1; i <= PINGS; i++) {
        if (wait_for(&seg->ping, i) != 0) {
            kprintf("channel: FAIL no ping %u after %u s (ping = %u)\n", i, WATCHDOG_S, seg->ping);
            semihost_exit(1);
        }
        seg->pong = i;
        notify(i);
    }
    kprintf("channel: ponger answered %u pings, took %lu doorbells\n", PINGS, (u64)doorbells);
}

int main(void)
{
    install_vectors();
    u32 id;
    char name[17];
    if (persona_whoami(&id, name) != PERSONA_RET_SUCCESS || persona_channel_info(0, &chan) != PERSONA_RET_SUCCESS) {
        kprintf("channel: no channel: run test/guests/bench-channel/pingpong.json; powering off\n");
        psci_system_off();
    }
    if (chan.size < sizeof(struct segment) || chan.intid < 32 || chan.intid >= 1020 || id > 1) {
        kprintf("channel: FAIL unusable channel (size %lu, INTID %u) or persona id %u\n", chan.size, chan.intid, id);
        semihost_exit(1);
    }
    seg = (struct segment *)chan.base;
    irq_disable();
    gic_init();
    /* Edge-triggered, so a doorbell latches pending until acknowledged. Left level-sensitive (the
     * reset value), the doorbell's pulse leaves nothing pending, and one that lands between the
     * check of the segment and WFI is lost: WFI then sleeps until the watchdog. */
    uptr icfgr = VIRT_GICD_BASE + GICD_ICFGR + 4 * (chan.intid / 16);
    mmio_write32(icfgr, mmio_read32(icfgr) | 2u << (2 * (chan.intid % 16)));
    gic_enable_irq(chan.intid, 0x80);
    gic_enable_irq(INTID_VTIMER, 0x90);
    if (id == 0)
        pinger();
    else
        ponger();
    psci_system_off();
}
