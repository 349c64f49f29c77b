/* idle — a bystander persona for the isolation tests (test/guests/attacker/attack.json runs it as
 * "victim" and as "peer"). It prints "idle: up", enables its channel doorbell (if it has a channel)
 * and a 10 ms virtual-timer tick, and waits in WFI; it powers off when the doorbell rings or after
 * IDLE_TICKS ticks (300 ms; `idle.ticks=N` in the bootargs changes it).
 * As "victim" it also holds a secret the attacker must never see: it reads the corporate vault it
 * owns (if it does) and copies the secret into its own RAM and into its channel's shared segment.
 * Output is deterministic; ends with PSCI SYSTEM_OFF (exit 0). */
#include "persona.h"
#include "../../../examples/lib/persona-calls.h"
#include "../../../examples/lib/fdt.h"

#define IDLE_TICKS 30
#define TICK (VIRT_CNTFRQ / 100)
#define VAULT_BASE 0x0A100000UL
#define VAULT_SECRET_LEN 64

static volatile u64 ticks;
static volatile int doorbell, vault_faulted;
static struct persona_channel chan;
static int have_channel;
/* The victim's copy of the secret in its own RAM (the attacker scans for it by physical address). */
static char secret_copy[VAULT_SECRET_LEN + 1];

__asm__(".text\n.global idle_probe32\n.global idle_probe_insn\n"
        "idle_probe32:\n  mov w1, #0\nidle_probe_insn:\n  ldr w1, [x0]\n  mov w0, w1\n  ret\n");
u32 idle_probe32(uptr a);
extern char idle_probe_insn[];

void exception_handler(struct frame *f, u32 vec)
{
    if (vec == VEC_CUR_SPX_IRQ) {
        u32 iar = gic_ack(), id = GICC_IAR_INTID(iar);
        if (id == GIC_SPURIOUS)
            return;
        if (id == INTID_VTIMER) {
            ticks++;
            write_sysreg(cntv_cval_el0, read_sysreg(cntv_cval_el0) + TICK);
        } else if (have_channel && id == chan.intid) {
            doorbell = 1;
        }
        gic_eoi(iar);
        return;
    }
    if (vec == VEC_CUR_SPX_SYNC && f->elr == (u64)idle_probe_insn) { /* the vault is not ours */
        vault_faulted = 1;
        f->elr += 4;
        return;
    }
    kprintf("idle: unexpected exception vec=%u esr=%lx elr=%lx far=%lx\n", vec, f->esr, f->elr, f->far);
    semihost_exit(1);
}

static u64 ticks_from_bootargs(void)
{
    u32 len;
    uptr p = fdt_prop(VIRT_RAM_BASE, "chosen", "bootargs", &len);
    const char *key = "idle.ticks=";
    for (uptr end = p + len; p && p < end; p++) {
        u32 k = 0;
        while (key[k] && p + k < end && mmio_read8(p + k) == (u8)key[k])
            k++;
        if (key[k])
            continue;
        u64 v = 0;
        for (p += k; p < end && mmio_read8(p) >= '0' && mmio_read8(p) <= '9'; p++)
            v = v * 10 + (mmio_read8(p) - '0');
        return v ? v : IDLE_TICKS;
    }
    return IDLE_TICKS;
}

int main(void)
{
    install_vectors();
    u32 id;
    char name[17];
    persona_whoami(&id, name);
    kprintf("idle: up (persona %u \"%s\")\n", id, name);

    have_channel = persona_channel_info(0, &chan) == PERSONA_RET_SUCCESS;
    if (strcmp(name, "victim") == 0) {
        u32 vid = idle_probe32(VAULT_BASE);
        if (!vault_faulted && vid == 0x5641554Cu) {
            for (u32 i = 0; i < VAULT_SECRET_LEN; i += 4) {
                u32 w = mmio_read32(VAULT_BASE + 0x10 + i);
                for (u32 b = 0; b < 4; b++)
                    secret_copy[i + b] = (char)(w >> (8 * b));
            }
            if (have_channel && chan.size >= VAULT_SECRET_LEN)
                memcpy((void *)chan.base, secret_copy, VAULT_SECRET_LEN);
            dmb(ish);
            kprintf("idle: vault secret staged in RAM%s\n", have_channel ? " and in channel 0" : "");
        } else {
            kprintf("idle: no vault here\n");
        }
    }

    u64 limit = ticks_from_bootargs();
    gic_init();
    gic_enable_irq(INTID_VTIMER, 0x80);
    if (have_channel)
        gic_enable_irq(chan.intid, 0x80);
    write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + TICK);
    write_sysreg(cntv_ctl_el0, CNT_CTL_ENABLE);
    isb();
    while (ticks < limit && !doorbell) {
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
    write_sysreg(cntv_ctl_el0, 0);
    kprintf("idle: %s, powering off\n", doorbell ? "doorbell rang" : "done waiting");
    psci_system_off();
}
