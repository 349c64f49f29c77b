/* The personal persona's EL0 chat app: tries the work vault (the kernel reports the denial), then
 * sends a few chat messages to the work persona and prints each reply. */
#include "../common/phone.h"

static const char *const messages[] = {
    "hi work, lunch at 12?",
    "can you send me the slides later?",
    "bye",
};

static void say(const char *what, const char *text)
{
    struct line l = { .n = 0 };
    line_str(&l, "personal-app: ");
    line_str(&l, what);
    line_str(&l, " \"");
    line_str(&l, text);
    line_str(&l, "\"\n");
    line_print(&l);
}

void personal_app(void)
{
    int bad = 0;
    app_print("personal-app: hello from EL0\n");

    app_print("personal-app: reading the work vault at 0xa100000 (EL0)\n");
    u32 v = phone_probe32(VAULT_BASE + VAULT_ID); /* EL0, MMU off: a plain load */
    if (v != 0) {
        app_print("personal-app: FAIL the vault answered\n");
        bad++;
    } else {
        app_print("personal-app: no vault for me, carrying on\n");
    }

    char reply[CHAT_TEXT_MAX];
    for (u32 i = 0; i < sizeof messages / sizeof messages[0]; i++) {
        say("sending", messages[i]);
        app_syscall(SC_SEND, (u64)messages[i], strlen(messages[i]));
        if (app_syscall(SC_RECV, (u64)reply, sizeof reply) < 0) {
            bad++;
            break;
        }
        say("reply", reply);
        /* The work app answers "ack: <message>". */
        struct line want = { .n = 0 };
        line_str(&want, "ack: ");
        line_str(&want, messages[i]);
        if (strcmp(reply, want.b) != 0) {
            app_print("personal-app: FAIL unexpected reply\n");
            bad++;
        }
    }
    app_print(bad ? "personal-app: exit 1\n" : "personal-app: exit 0\n");
    app_syscall(SC_EXIT, bad, 0);
    for (;;) /* not reached */
        ;
}
