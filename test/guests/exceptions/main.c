/* exceptions — exception reflection checker. Each trigger (SVC #imm, UDF #imm, BRK #imm, a load
 * and a store to unmapped physical memory) is executed at EL1 and then at EL0; the EL1 handler
 * records ESR/FAR/ELR/SPSR and the caller compares them with the architectural values QEMU 7.2
 * produces. Exit (semihosting): 0 when every check passes, else the number of failures. */
#include "persona.h"

/* Triggers: each sets NZCV to a known value (N and V) so SPSR is fully predictable, then executes
 * the excepting instruction at a known address (the label). x0 = address for the abort triggers. */
__asm__(".text\n"
        ".macro trigger name, insn\n"
        ".global \\name\n"
        ".global \\name\\()_insn\n"
        "\\name:\n"
        "  mov x9, #0x90000000\n"
        "  msr nzcv, x9\n"
        "\\name\\()_insn:\n"
        "  \\insn\n"
        "  ret\n"
        ".endm\n"
        "trigger trig_svc, \"svc #0x1234\"\n"
        "trigger trig_udf, \"udf #0x42\"\n"
        "trigger trig_brk, \"brk #0x77\"\n"
        "trigger trig_load, \"ldr x1, [x0]\"\n"
        "trigger trig_store, \"str x1, [x0]\"\n");
void trig_svc(u64), trig_udf(u64), trig_brk(u64), trig_load(u64), trig_store(u64);
extern char trig_svc_insn[], trig_udf_insn[], trig_brk_insn[], trig_load_insn[], trig_store_insn[];

#define NZCV_NV 0x90000000UL
#define SVC_DONE 0xFFFF /* EL0's "tests finished, back to EL1" call */

static struct {
    u32 hits, vec;
    u64 esr, far, elr, spsr;
} rec;
static int failures;
static u8 el0_stack[8192] __attribute__((aligned(16)));
void el1_after_el0(void) __attribute__((noreturn));

void exception_handler(struct frame *f, u32 vec)
{
    u32 ec = ESR_EC(f->esr);
    if (vec == VEC_LOWER64_SYNC && ec == EC_SVC64 && ESR_ISS(f->esr) == SVC_DONE) {
        f->elr = (u64)el1_after_el0; /* resume the EL1 main line, interrupts masked */
        f->spsr = SPSR_M_EL1h | SPSR_DAIF;
        return;
    }
    if (VEC_KIND(vec) != 0 || rec.hits > 0) { /* only one sync exception per check is expected */
        kprintf("FAIL unexpected exception vec=%u esr=%lx elr=%lx\n", vec, f->esr, f->elr);
        failures++;
    }
    rec.hits++;
    rec.vec = vec;
    rec.esr = f->esr;
    rec.far = f->far;
    rec.elr = f->elr;
    rec.spsr = f->spsr;
    if (ec != EC_SVC64) /* SVC's ELR is already the next instruction; the others must be skipped */
        f->elr += 4;
}

static int expect(const char *name, const char *what, u64 got, u64 want)
{
    if (got == want)
        return 0;
    kprintf("FAIL %s: %s got %lx want %lx\n", name, what, got, want);
    failures++;
    return 1;
}

static void check(const char *name, void (*trig)(u64), const char *insn, u64 want_esr, int el0,
                  int is_abort, int is_svc)
{
    u64 pstate_mode_daif = el0 ? SPSR_M_EL0t : (SPSR_M_EL1h | (read_sysreg(daif) & SPSR_DAIF));
    rec.hits = 0;
    trig(VIRT_UNMAPPED_ADDR);
    int bad = expect(name, "hits", rec.hits, 1);
    bad |= expect(name, "vector", rec.vec, el0 ? VEC_LOWER64_SYNC : VEC_CUR_SPX_SYNC);
    bad |= expect(name, "ESR_EL1", rec.esr, want_esr);
    bad |= expect(name, "ELR_EL1", rec.elr, (u64)insn + (is_svc ? 4 : 0));
    bad |= expect(name, "SPSR_EL1", rec.spsr, NZCV_NV | pstate_mode_daif);
    if (is_abort)
        bad |= expect(name, "FAR_EL1", rec.far, VIRT_UNMAPPED_ADDR);
    if (!bad)
        kprintf("ok %s esr=%08lx elr=%lx spsr=%08lx%s\n", name, rec.esr, rec.elr, rec.spsr,
                is_abort ? " far=80000000" : "");
}

#define IL ESR_IL
static void run_all(int el0)
{
    u32 dabt = el0 ? EC_DABT_LOWER : EC_DABT_CUR;
    /* SVC: EC 0x15, ISS = imm16. UDF: EC 0 (unknown), ISS 0 (the imm is not reported).
     * BRK: EC 0x3C from either EL, ISS = comment. Aborts on unassigned memory: QEMU reports a
     * synchronous external abort (DFSC 0x10) with ISV=0 and EA=0, WnR set for the store. */
    check(el0 ? "svc-el0" : "svc-el1", trig_svc, trig_svc_insn, (EC_SVC64 << 26) | IL | 0x1234, el0, 0, 1);
    check(el0 ? "udf-el0" : "udf-el1", trig_udf, trig_udf_insn, (EC_UNKNOWN << 26) | IL, el0, 0, 0);
    check(el0 ? "brk-el0" : "brk-el1", trig_brk, trig_brk_insn, (EC_BRK64 << 26) | IL | 0x77, el0, 0, 0);
    check(el0 ? "load-abort-el0" : "load-abort-el1", trig_load, trig_load_insn,
          (dabt << 26) | IL | FSC_SYNC_EXTERNAL, el0, 1, 0);
    check(el0 ? "store-abort-el0" : "store-abort-el1", trig_store, trig_store_insn,
          (dabt << 26) | IL | ESR_DABT_WNR | FSC_SYNC_EXTERNAL, el0, 1, 0);
}

static void el0_main(void)
{
    run_all(1);
    __asm__ volatile("svc %0" ::"i"(SVC_DONE));
    for (;;) /* not reached: SVC_DONE resumes at el1_after_el0 */
        ;
}

void el1_after_el0(void)
{
    kprintf("exceptions: %d failure(s)\n", failures);
    semihost_exit(failures);
}

int main(void)
{
    install_vectors();
    kprintf("exceptions: EL1 checks (DAIF=D,A,I masked)\n");
    __asm__ volatile("msr daif, %0" ::"r"((u64)(SPSR_D | SPSR_A | SPSR_I)));
    run_all(0);

    kprintf("exceptions: EL0 checks\n");
    write_sysreg(sp_el0, (u64)(el0_stack + sizeof el0_stack));
    write_sysreg(elr_el1, (u64)el0_main);
    write_sysreg(spsr_el1, SPSR_M_EL0t); /* EL0t, all of DAIF clear */
    __asm__ volatile("eret");
    __builtin_unreachable();
}
