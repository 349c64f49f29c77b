/* The phone demo's shared pieces: the chat protocol in the channel's shared segment, the system
 * calls between each persona's kernel and its EL0 app, and the kernel core (common/kernel.c) that
 * both the personal and the work kernel are built on. */
#ifndef PHONE_H
#define PHONE_H
#include "persona.h"
#include "../../lib/persona-calls.h"

/* ---- Chat protocol (the channel's shared segment, the same window in both personas) ----
 * Two one-way mailboxes. The sender writes text and len, `dmb ish`, bumps seq, `dmb ish`, then
 * rings the peer's doorbell (PERSONA_CHANNEL_NOTIFY) with payload = seq. The receiver, woken by its
 * doorbell IRQ (or finding seq already moved), compares seq with the last one it took, `dmb ish`,
 * and copies the message out. The exchange is strictly request/reply, so a mailbox is never
 * overwritten before it was read. Nobody clears the segment: the device hands it out zeroed. */
#define CHAT_TEXT_MAX 120
struct mailbox {
    u32 seq;
    u32 len; /* bytes of text, without the NUL (at most CHAT_TEXT_MAX - 1) */
    char text[CHAT_TEXT_MAX];
};
struct chat_segment {
    struct mailbox box[2];
};
#define BOX_TO_WORK     0 /* personal -> work */
#define BOX_TO_PERSONAL 1 /* work -> personal */

/* The work persona's assigned "corporate vault" register block (devices[] in phone.json). */
#define VAULT_BASE      0x0A100000UL
#define VAULT_ID        0x00   /* reads 0x5641554C, "VAUL" */
#define VAULT_SECRET    0x10   /* 64 bytes of ASCII, read as 32-bit little-endian words */
#define VAULT_SECRET_LEN 64
#define VAULT_ID_VALUE  0x5641554Cu

/* ---- System calls (SVC #0, number in x8, arguments x0..x1, result x0) ---- */
#define SC_PRINT 1 /* x0 = NUL-terminated string; returns its length */
#define SC_SEND  2 /* x0 = text, x1 = length; returns the message's sequence number */
#define SC_RECV  3 /* x0 = buffer, x1 = its size; blocks until a message arrives; returns its
                    * length (text NUL-terminated), or -1 if none came within RECV_TIMEOUT_S */
#define SC_EXIT  4 /* x0 = exit code; does not return */
#define RECV_TIMEOUT_S 20 /* a watchdog only: the demo never gets near it */

/* ---- Kernel core (common/kernel.c) ---- */
struct phone_role {
    const char *name;  /* "personal" or "work": the prefix of every kernel line */
    u32 tx_box, rx_box;
    void (*app)(void); /* the EL0 app's entry point */
    /* A data abort the kernel did not expect: return 1 if handled (the frame may be edited). */
    int (*on_abort)(struct frame *f, u32 vec);
};
/* Vectors, PERSONA_WHOAMI, channel 0 and its doorbell IRQ. Powers off when the persona has no
 * channel (run alone with `persona run`). */
void phone_init(const struct phone_role *role);
/* Drops into the EL0 app; when it exits, prints the kernel's summary and powers off. */
void phone_enter_app(void) __attribute__((noreturn));
/* Loads a 32-bit word; if the load takes a data abort that a handler skips, returns 0.
 * phone_probe_insn is the load instruction (the ELR of such an abort). */
u32 phone_probe32(uptr addr);
extern char phone_probe_insn[];
/* Counts failures: any makes the persona exit with semihosting code 1 instead of SYSTEM_OFF. */
extern int phone_failures;

/* ---- EL0 side: system call stubs and a tiny line builder (apps have no kprintf) ---- */
static inline s64 app_syscall(u64 nr, u64 a0, u64 a1)
{
    register u64 x8 __asm__("x8") = nr;
    register u64 x0 __asm__("x0") = a0;
    register u64 x1 __asm__("x1") = a1;
    __asm__ volatile("svc #0" : "+r"(x0), "+r"(x1) : "r"(x8) : "memory");
    return (s64)x0;
}

struct line {
    char b[200];
    u32 n;
};
static inline void line_str(struct line *l, const char *s)
{
    while (*s && l->n < sizeof l->b - 1)
        l->b[l->n++] = *s++;
    l->b[l->n] = 0;
}
static inline void line_hex(struct line *l, u64 v)
{
    char t[17];
    int i = 16;
    t[i] = 0;
    do
        t[--i] = "0123456789abcdef"[v & 15];
    while (v >>= 4);
    line_str(l, "0x");
    line_str(l, t + i);
}
static inline void line_dec(struct line *l, u64 v)
{
    char t[21];
    int i = 20;
    t[i] = 0;
    do
        t[--i] = (char)('0' + v % 10);
    while (v /= 10);
    line_str(l, t + i);
}
static inline void app_print(const char *s) { app_syscall(SC_PRINT, (u64)s, 0); }
static inline void line_print(struct line *l)
{
    app_print(l->b);
    l->n = 0;
    l->b[0] = 0;
}

#endif
