/* Wrappers for the Persona hypercalls: see persona-calls.h. */
#include "persona-calls.h"

s64 persona_whoami(u32 *id, char name[17])
{
    struct hvc_result r = hvc_call4(PERSONA_WHOAMI, 0, 0, 0);
    if (r.x0 != PERSONA_RET_SUCCESS) {
        *id = ~0u;
        name[0] = 0;
        return r.x0;
    }
    *id = (u32)r.x1;
    for (int i = 0; i < 8; i++) {
        name[i] = (char)(r.x2 >> (8 * i));
        name[8 + i] = (char)(r.x3 >> (8 * i));
    }
    name[16] = 0;
    return r.x0;
}

s64 persona_channel_info(u32 index, struct persona_channel *ch)
{
    struct hvc_result r = hvc_call4(PERSONA_CHANNEL_INFO, index, 0, 0);
    if (r.x0 != PERSONA_RET_SUCCESS)
        return r.x0;
    ch->index = index;
    ch->base = r.x1;
    ch->size = r.x2;
    ch->intid = PERSONA_CHANNEL_INTID(r.x3);
    ch->id = PERSONA_CHANNEL_ID(r.x3);
    ch->peer = PERSONA_CHANNEL_PEER(r.x3);
    return r.x0;
}

s64 persona_channel_notify(u32 index, u32 payload)
{
    return hvc_call(PERSONA_CHANNEL_NOTIFY, index, payload, 0);
}

s64 persona_console_write(const void *buf, u64 len)
{
    return hvc_call(PERSONA_CONSOLE_WRITE, (u64)buf, len, 0);
}

s64 persona_yield(void) { return hvc_call(PERSONA_YIELD, 0, 0, 0); }

u64 persona_vtime(void) { return hvc_call4(PERSONA_VTIME, 0, 0, 0).x1; }
