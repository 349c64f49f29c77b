/* The kernel core shared by the personal and the work persona of the phone demo: EL1 vectors, the
 * GIC with the channel's doorbell interrupt, the chat mailboxes in the shared segment, and the
 * system calls of the EL0 app (print, send, receive - blocking in WFI until the doorbell - exit).
 * Every printed line is deterministic: no times, no interrupt counts. */
#include "phone.h"

extern char __image_end[];

int phone_failures;
static const struct phone_role *role;
static struct persona_channel chan;
static volatile struct chat_segment *seg;
static u32 tx_seq, rx_seq;          /* last sequence number sent / taken */
static u64 sent, received;
static volatile int timed_out;
static u64 app_exit_code;
static u8 app_stack[16384] __attribute__((aligned(16)));

/* The probe: x1 is zeroed first so a skipped (aborted) load returns 0. */
__asm__(".text\n"
        ".global phone_probe32\n"
        ".global phone_probe_insn\n"
        "phone_probe32:\n"
        "  mov w1, #0\n"
        "phone_probe_insn:\n"
        "  ldr w1, [x0]\n"
        "  mov w0, w1\n"
        "  ret\n");

static void fail(const char *what)
{
    kprintf("%s: FAIL %s\n", role->name, what);
    phone_failures++;
}

/* ---- interrupts ---- */

static void irq(void)
{
    u32 iar = gic_ack();
    u32 id = GICC_IAR_INTID(iar);
    if (id == GIC_SPURIOUS)
        return;
    if (id == chan.intid) {
        /* Doorbell: nothing to do here; the waiting receiver re-reads the mailbox's seq. */
    } else if (id == INTID_VTIMER) {
        write_sysreg(cntv_ctl_el0, 0); /* one-shot watchdog: drop the line */
        timed_out = 1;
    } else {
        kprintf("%s: unexpected interrupt %u\n", role->name, id);
    }
    gic_eoi(iar);
}

/* ---- the chat ---- */

static int user_range_ok(u64 p, u64 len)
{
    return p >= VIRT_RAM_BASE && p <= (u64)__image_end && len <= (u64)__image_end - p;
}

static s64 chat_send(const char *text, u64 len)
{
    volatile struct mailbox *out = &seg->box[role->tx_box];
    if (len > CHAT_TEXT_MAX - 1)
        len = CHAT_TEXT_MAX - 1;
    for (u64 i = 0; i < len; i++)
        out->text[i] = text[i];
    out->text[len] = 0;
    out->len = (u32)len;
    dmb(ish); /* text and len before seq */
    out->seq = ++tx_seq;
    dmb(ish); /* seq before the doorbell */
    s64 r = persona_channel_notify(chan.index, tx_seq);
    if (r == PERSONA_RET_DENIED)
        kprintf("%s: the peer is not running (PERSONA_CHANNEL_NOTIFY -> -3)\n", role->name);
    else if (r != PERSONA_RET_SUCCESS)
        fail("PERSONA_CHANNEL_NOTIFY");
    sent++;
    return tx_seq;
}

/* Waits (WFI, IRQs masked so no doorbell can slip between the check and the wait; a pending IRQ
 * still ends WFI, then IRQs are opened for an instant to take it) until the mailbox's seq moves. */
static s64 chat_recv(char *dst, u64 cap)
{
    volatile struct mailbox *in = &seg->box[role->rx_box];
    timed_out = 0;
    write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + RECV_TIMEOUT_S * VIRT_CNTFRQ);
    write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
    isb();
    for (;;) {
        u32 s = in->seq;
        dmb(ish); /* seq before text and len */
        if (s != rx_seq) {
            if (s != rx_seq + 1)
                fail("a message was lost (sequence number skipped)");
            u32 len = in->len;
            if (len > CHAT_TEXT_MAX - 1)
                len = CHAT_TEXT_MAX - 1;
            if (len > cap - 1)
                len = (u32)(cap - 1);
            for (u32 i = 0; i < len; i++)
                dst[i] = in->text[i];
            dst[len] = 0;
            rx_seq = s;
            received++;
            write_sysreg(cntv_ctl_el0, 0);
            return len;
        }
        if (timed_out) {
            kprintf("%s: no message from the peer within %u s\n", role->name, RECV_TIMEOUT_S);
            fail("receive timed out");
            return -1;
        }
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
}

/* ---- exceptions ---- */

static void kernel_after_app(void) __attribute__((noreturn));

static void syscall(struct frame *f)
{
    u64 *ret = &f->x[0];
    u64 a0 = f->x[0], a1 = f->x[1];
    switch (f->x[8]) {
    case SC_PRINT:
        if (!user_range_ok(a0, 1)) {
            *ret = (u64)-1;
            break;
        }
        kprintf("%s", (const char *)a0);
        *ret = strlen((const char *)a0);
        break;
    case SC_SEND:
        *ret = user_range_ok(a0, a1) ? (u64)chat_send((const char *)a0, a1) : (u64)-1;
        break;
    case SC_RECV:
        *ret = a1 && user_range_ok(a0, a1) ? (u64)chat_recv((char *)a0, a1) : (u64)-1;
        break;
    case SC_EXIT:
        app_exit_code = a0;
        f->elr = (u64)kernel_after_app; /* "return" into the kernel at EL1h, IRQs masked */
        f->spsr = SPSR_M_EL1h | SPSR_DAIF;
        break;
    default:
        kprintf("%s: unknown system call %lu\n", role->name, f->x[8]);
        *ret = (u64)-1;
    }
}

void exception_handler(struct frame *f, u32 vec)
{
    u32 ec = ESR_EC(f->esr);
    if (vec == VEC_CUR_SPX_IRQ || vec == VEC_LOWER64_IRQ) {
        irq();
        return;
    }
    if (vec == VEC_LOWER64_SYNC && ec == EC_SVC64) {
        syscall(f);
        return;
    }
    if ((vec == VEC_CUR_SPX_SYNC || vec == VEC_LOWER64_SYNC) && (ec == EC_DABT_CUR || ec == EC_DABT_LOWER) &&
        role->on_abort && role->on_abort(f, vec))
        return;
    kprintf("%s: fatal exception vec=%u esr=%lx elr=%lx far=%lx\n", role->name, vec, f->esr, f->elr, f->far);
    semihost_exit(2);
}

/* ---- boot ---- */

void phone_init(const struct phone_role *r)
{
    role = r;
    install_vectors();
    u32 el = (u32)(read_sysreg(CurrentEL) >> 2) & 3;
    u32 id;
    char name[17];
    s64 w = persona_whoami(&id, name);
    if (w == PERSONA_RET_SUCCESS)
        kprintf("%s: kernel up at EL%u, persona %u \"%s\"\n", r->name, el, id, name);
    else
        kprintf("%s: kernel up at EL%u, PERSONA_WHOAMI -> %ld\n", r->name, el, w);

    s64 c = persona_channel_info(0, &chan);
    if (c != PERSONA_RET_SUCCESS) {
        kprintf("%s: no channel (PERSONA_CHANNEL_INFO -> %ld): run me as part of "
                "examples/phone/phone.json; powering off\n", r->name, c);
        psci_system_off();
    }
    kprintf("%s: channel %u at %p, %lu bytes, doorbell INTID %u, peer persona %u\n", r->name, chan.id,
            (void *)chan.base, chan.size, chan.intid, chan.peer);
    if (chan.size < sizeof(struct chat_segment) || chan.intid < 32 || chan.intid >= 1020) {
        fail("channel 0 is too small or has no usable doorbell");
        semihost_exit(1);
    }
    seg = (volatile struct chat_segment *)chan.base;

    gic_init();
    gic_enable_irq(chan.intid, 0x80);
    gic_enable_irq(INTID_VTIMER, 0x90); /* the receive watchdog */
}

void phone_enter_app(void)
{
    kprintf("%s: entering the chat app at EL0\n", role->name);
    write_sysreg(sp_el0, (u64)(app_stack + sizeof app_stack));
    write_sysreg(elr_el1, (u64)role->app);
    write_sysreg(spsr_el1, SPSR_M_EL0t); /* EL0t, DAIF clear: doorbells interrupt the app */
    __asm__ volatile("eret");
    __builtin_unreachable();
}

/* Defined by each persona: its summary line after the app exits. */
void phone_summary(u64 sent, u64 received);

static void kernel_after_app(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    if (app_exit_code != 0)
        fail("the app exited with a non-zero code");
    phone_summary(sent, received);
    if (phone_failures) {
        kprintf("%s: %d failure(s)\n", role->name, phone_failures);
        semihost_exit(1);
    }
    kprintf("%s: powering off\n", role->name);
    psci_system_off();
}
