/* persona-calls.h — C wrappers for the Persona hypercall ABI (examples/include/persona-hypercalls.h,
 * docs/hypercalls.md): who am I, channel info/notify, console write, yield, virtual time.
 * Link examples/lib/persona-calls.c. Include as "../../lib/persona-calls.h" (or with -Iexamples/lib). */
#ifndef PERSONA_CALLS_H
#define PERSONA_CALLS_H
#include "persona.h"

/* Everything a hypercall returns: x0 (status or value) and x1..x3. */
struct hvc_result {
    s64 x0;
    u64 x1, x2, x3;
};

/* HVC #0 keeping x1..x3 of the answer (persona.h's hvc_call returns x0 only). */
static inline struct hvc_result hvc_call4(u64 id, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 __asm__("x0") = id;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "memory");
    struct hvc_result r = { (s64)x0, x1, x2, x3 };
    return r;
}

/* One of this persona's channels, as PERSONA_CHANNEL_INFO describes it. */
struct persona_channel {
    u32 index;  /* among this persona's channels (what NOTIFY takes) */
    u32 id;     /* the device-wide channel id */
    u32 intid;  /* the doorbell INTID this persona receives */
    u32 peer;   /* persona id at the other end */
    uptr base;  /* guest-physical base of the shared segment */
    u64 size;
};

/* PERSONA_WHOAMI: fills *id and name (NUL-terminated, at most 16 characters); returns x0. */
s64 persona_whoami(u32 *id, char name[17]);
/* PERSONA_CHANNEL_INFO(index): returns x0 (0, or PERSONA_RET_INVALID_PARAMETERS: no such channel). */
s64 persona_channel_info(u32 index, struct persona_channel *ch);
/* PERSONA_CHANNEL_NOTIFY: rings the peer's doorbell; returns x0 (0, INVALID_PARAMETERS, DENIED). */
s64 persona_channel_notify(u32 index, u32 payload);
/* PERSONA_CONSOLE_WRITE: returns x0. */
s64 persona_console_write(const void *buf, u64 len);
s64 persona_yield(void);
/* PERSONA_VTIME: virtual time in counter ticks (62.5 MHz). */
u64 persona_vtime(void);

#endif
