/*
 * Persona's system-register filter: unicorn calls its MRS/MSR hook for every system register access
 * (DAIF saves, ESR reads in exception handlers, ...), and a JS callback per access costs about a
 * microsecond. This native hook answers "not ours" in nanoseconds and calls into JS only for the
 * registers the hypervisor emulates (the generic timer), chosen by a bitmap over the encoding.
 */
#include <stdint.h>
#include <stdlib.h>

typedef struct uc_struct uc_engine;

typedef struct {
    uint32_t crn, crm, op0, op1, op2;
    uint64_t val;
} uc_arm64_cp_reg;

/* JS side: (rt register id, encoding key, Rt's value) -> 1 if emulated (skip the instruction). */
typedef uint32_t (*persona_sysreg_cb)(int rt, uint32_t key, uint64_t value);

struct persona_sysreg_filter {
    persona_sysreg_cb callback;
    uint8_t wanted[1 << 13]; /* one bit per 16-bit key: op0:2 op1:3 CRn:4 CRm:4 op2:3 */
};

static uint32_t key_of(const uc_arm64_cp_reg *r)
{
    return ((r->op0 & 3) << 14) | ((r->op1 & 7) << 11) | ((r->crn & 15) << 7) | ((r->crm & 15) << 3) | (r->op2 & 7);
}

uint32_t persona_sysreg_hook(uc_engine *uc, int rt, const uc_arm64_cp_reg *reg, void *user)
{
    struct persona_sysreg_filter *f = user;
    uint32_t key = key_of(reg);
    (void)uc;
    if (!(f->wanted[key >> 3] & (1u << (key & 7))))
        return 0;
    return f->callback(rt, key, reg->val);
}

void *persona_sysreg_hook_address(void)
{
    return (void *)persona_sysreg_hook;
}

struct persona_sysreg_filter *persona_sysreg_filter_new(persona_sysreg_cb callback)
{
    struct persona_sysreg_filter *f = calloc(1, sizeof *f);
    if (f)
        f->callback = callback;
    return f;
}

void persona_sysreg_filter_want(struct persona_sysreg_filter *f, uint32_t key)
{
    f->wanted[(key & 0xffff) >> 3] |= (uint8_t)(1u << (key & 7));
}

void persona_sysreg_filter_free(struct persona_sysreg_filter *f)
{
    free(f);
}
