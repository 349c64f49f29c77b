/* The work persona's kernel: runs the work chat app, which answers the personal persona's messages
 * and, at the end, reads the corporate vault - a register block assigned to this persona, so the
 * reads simply work here (the same reads fault in the personal persona). */
#include "../common/phone.h"

void work_app(void);

static const struct phone_role work = {
    .name = "work",
    .tx_box = BOX_TO_PERSONAL,
    .rx_box = BOX_TO_WORK,
    .app = work_app,
    .on_abort = 0, /* work owns the vault: any data abort is a bug */
};

void phone_summary(u64 sent, u64 received)
{
    kprintf("work: chat done: %lu received, %lu sent\n", received, sent);
}

int main(void)
{
    phone_init(&work);
    phone_enter_app();
}
