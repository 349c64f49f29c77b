/* The work persona's EL0 chat app: answers every message with "ack: <message>" until "bye", then
 * reads its own corporate vault (ID register and the start of the secret). */
#include "../common/phone.h"

#define SECRET_SHOWN 30 /* "CORP-SECRET: quarterly numbers" */

void work_app(void)
{
    int bad = 0;
    char msg[CHAT_TEXT_MAX];
    struct line l = { .n = 0 };
    app_print("work-app: hello from EL0, waiting for messages\n");

    for (;;) {
        if (app_syscall(SC_RECV, (u64)msg, sizeof msg) < 0) {
            bad++;
            break;
        }
        line_str(&l, "work-app: got \"");
        line_str(&l, msg);
        line_str(&l, "\"\n");
        line_print(&l);

        struct line reply = { .n = 0 };
        line_str(&reply, "ack: ");
        line_str(&reply, msg);
        if (reply.n > CHAT_TEXT_MAX - 1)
            reply.n = CHAT_TEXT_MAX - 1;
        app_syscall(SC_SEND, (u64)reply.b, reply.n);
        reply.b[reply.n] = 0;
        line_str(&l, "work-app: replied \"");
        line_str(&l, reply.b);
        line_str(&l, "\"\n");
        line_print(&l);
        if (strcmp(msg, "bye") == 0)
            break;
    }

    /* The vault is this persona's own device: EL0 with the MMU off reads it directly. */
    u32 id = mmio_read32(VAULT_BASE + VAULT_ID);
    line_str(&l, "work-app: vault ID ");
    line_hex(&l, id);
    char tag[5] = { (char)(id >> 24), (char)(id >> 16), (char)(id >> 8), (char)id, 0 }; /* "VAUL" */
    line_str(&l, " (");
    line_str(&l, tag);
    line_str(&l, ")\n");
    line_print(&l);
    if (id != VAULT_ID_VALUE) {
        app_print("work-app: FAIL the vault ID is not 0x5641554c\n");
        bad++;
    }
    char secret[SECRET_SHOWN + 1];
    u32 n = 0;
    for (u32 i = 0; i < SECRET_SHOWN && n == i; i += 4) { /* stop at the first NUL */
        u32 w = mmio_read32(VAULT_BASE + VAULT_SECRET + i);
        for (u32 b = 0; b < 4 && n < SECRET_SHOWN; b++, n++) {
            char c = (char)(w >> (8 * b));
            if (c == 0)
                break;
            secret[n] = c >= 0x20 && c < 0x7f ? c : '.';
        }
    }
    secret[n] = 0;
    line_str(&l, "work-app: vault secret starts \"");
    line_str(&l, secret);
    line_str(&l, "\"\n");
    line_print(&l);

    app_print(bad ? "work-app: exit 1\n" : "work-app: exit 0\n");
    app_syscall(SC_EXIT, bad, 0);
    for (;;) /* not reached */
        ;
}
