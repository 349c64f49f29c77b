/* The personal persona's kernel. Besides running its chat app, it shows isolation at work: it tries
 * to read the work persona's corporate vault (a device assigned to work) from EL1, and its app
 * tries from EL0. Each read takes a synchronous external data abort, which this kernel catches,
 * reports and skips. */
#include "../common/phone.h"

void personal_app(void);

static u32 vault_denials;

/* A data abort on the vault probe: ESR (EC for the EL it came from, DFSC = synchronous external
 * abort) and FAR = the vault's address are checked, then the load is skipped. */
static int on_abort(struct frame *f, u32 vec)
{
    u32 want_ec = vec == VEC_CUR_SPX_SYNC ? EC_DABT_CUR : EC_DABT_LOWER;
    if (ESR_EC(f->esr) != want_ec || ESR_xFSC(f->esr) != FSC_SYNC_EXTERNAL || f->far != VAULT_BASE ||
        f->elr != (u64)phone_probe_insn)
        return 0;
    kprintf("personal: vault read denied (data abort, FAR=%p)\n", (void *)f->far);
    vault_denials++;
    f->elr += 4;
    return 1;
}

static const struct phone_role personal = {
    .name = "personal",
    .tx_box = BOX_TO_WORK,
    .rx_box = BOX_TO_PERSONAL,
    .app = personal_app,
    .on_abort = on_abort,
};

void phone_summary(u64 sent, u64 received)
{
    if (vault_denials != 2)
        kprintf("personal: FAIL %u vault reads were denied, 2 expected\n", vault_denials), phone_failures++;
    kprintf("personal: chat done: %lu sent, %lu received, %u vault reads denied\n", sent, received, vault_denials);
}

int main(void)
{
    phone_init(&personal);
    kprintf("personal: kernel reads the work vault at %p (EL1)\n", (void *)VAULT_BASE);
    u32 v = phone_probe32(VAULT_BASE + VAULT_ID);
    if (vault_denials != 1 || v != 0) {
        kprintf("personal: FAIL the vault answered at EL1 (read %x)\n", v);
        phone_failures++;
    }
    phone_enter_app();
}
