/* persona-calls.h — C wrappers for the Persona hypercall ABI (examples/include/persona-hypercalls.h,
 * docs/hypercalls.md): who am I, channel info/notify, console write, yield, virtual time.
 * Link examples/lib/persona-calls.c. Include as "../../lib/persona-calls.h" (or with -Iexamples/lib). */
#ifndef PERSONA_CALLS_H
#define PERSONA_CALLS_H
#include "persona.h"

/* hvc_call4 and struct hvc_result are in persona.h. */

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
