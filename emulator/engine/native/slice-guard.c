/*
 * Persona's slice guard: stops a unicorn run only at a translation-block boundary.
 *
 * Why it exists: unicorn 2.1 checks for stop requests after every guest load and store, and when a
 * stop (uc_emu_stop from a timer thread, or its own timeout) is seen in the middle of a block it
 * leaves with the PC reset to the start of the block although the instructions before the access
 * have already run. Resuming then runs them twice (measured: a CRC loop gave a different result on
 * every run). A block hook runs before the block's own entry check, so a stop requested from it
 * takes effect before any instruction of the block executes.
 *
 * The hook costs one native call per block and no JS. Two things make it stop the run: its own
 * `stop` word (raised by the alarm thread at a slice deadline), and an optional pair of words the
 * hypervisor shares with other threads (attention, pause: any non-zero value stops every block
 * until the hypervisor clears it), so another thread can stop a running vCPU at the next block.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

typedef struct uc_struct uc_engine;
typedef int (*uc_emu_stop_fn)(uc_engine *uc);
typedef int (*uc_reg_write_fn)(uc_engine *uc, int regid, const void *value);

/* UC_ARM64_REG_PC (unicorn/arm64.h): personas run AArch64 guests. */
#define UC_ARM64_REG_PC 260

struct persona_guard {
    volatile uint32_t stop;     /* non-zero: stop at the next block boundary (the alarm's deadline) */
    volatile uint32_t *control; /* optional shared words [attention, pause]: non-zero stops too */
    uint64_t icount;            /* instructions of the blocks entered so far (block size / 4) */
    uint64_t budget;            /* stop once icount reaches it (deterministic slices); 0: none */
    uint32_t reserved;
    uc_emu_stop_fn emu_stop;
    uc_reg_write_fn reg_write;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int64_t deadline_ns;        /* CLOCK_MONOTONIC; INT64_MAX when disarmed */
    int quit;
    pthread_t alarm;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void persona_block_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    struct persona_guard *g = user;
    volatile uint32_t *c = g->control;
    if ((g->budget && g->icount >= g->budget) || __atomic_load_n(&g->stop, __ATOMIC_RELAXED)
        || (c && (__atomic_load_n(&c[0], __ATOMIC_RELAXED) | __atomic_load_n(&c[1], __ATOMIC_RELAXED)))) {
        __atomic_store_n(&g->stop, 0, __ATOMIC_RELAXED);
        /* While any UC_HOOK_CODE hook exists (a debugger's breakpoints or planted steps), unicorn
         * does not put the PC back to the block's start when it leaves at the block's entry check:
         * the PC would be whatever it last synced, often an earlier block, and resuming would run
         * instructions twice (measured: a corrupted loop counter in kprintf, only with a breakpoint
         * set). Writing the PC here makes it exact in every case. */
        g->reg_write(uc, UC_ARM64_REG_PC, &address);
        g->emu_stop(uc); /* the block does not run now, so it is not counted */
        return;
    }
    /* Counted when a block is entered, whole: deterministic, which is what virtual time needs. A
     * slice may overshoot its budget by up to one block. */
    g->icount += size >> 2;
}

/* The address of the hook, for uc_hook_add. */
void *persona_block_hook_address(void)
{
    return (void *)persona_block_hook;
}

static void *alarm_main(void *arg)
{
    struct persona_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->quit) {
        if (g->deadline_ns == INT64_MAX) {
            pthread_cond_wait(&g->wake, &g->lock);
            continue;
        }
        int64_t d = g->deadline_ns;
        struct timespec ts = { .tv_sec = d / 1000000000, .tv_nsec = d % 1000000000 };
        int rc = pthread_cond_timedwait(&g->wake, &g->lock, &ts);
        if (rc == ETIMEDOUT && g->deadline_ns == d && now_ns() >= d) {
            g->deadline_ns = INT64_MAX;
            __atomic_store_n(&g->stop, 1, __ATOMIC_RELAXED);
        }
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

/* `library` is the already loaded libunicorn, for uc_emu_stop; `control` the optional shared
 * [attention, pause] words (NULL: none). NULL on failure. */
struct persona_guard *persona_guard_new(const char *library, volatile uint32_t *control)
{
    void *lib = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
    if (!lib)
        return NULL;
    uc_emu_stop_fn stop = (uc_emu_stop_fn)dlsym(lib, "uc_emu_stop");
    uc_reg_write_fn reg_write = (uc_reg_write_fn)dlsym(lib, "uc_reg_write");
    if (!stop || !reg_write)
        return NULL;
    struct persona_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->emu_stop = stop;
    g->reg_write = reg_write;
    g->control = control;
    g->deadline_ns = INT64_MAX;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&g->lock, NULL);
    if (pthread_create(&g->alarm, NULL, alarm_main, g) != 0) {
        free(g);
        return NULL;
    }
    return g;
}

/* Raise `stop` after `delay_ns` (from now). */
void persona_guard_arm(struct persona_guard *g, int64_t delay_ns)
{
    pthread_mutex_lock(&g->lock);
    g->deadline_ns = now_ns() + delay_ns;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
}

/* Cancel the alarm and forget a stop that was not taken. */
void persona_guard_disarm(struct persona_guard *g)
{
    pthread_mutex_lock(&g->lock);
    g->deadline_ns = INT64_MAX;
    __atomic_store_n(&g->stop, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g->lock);
}


/* Instruction count (whole blocks entered) and the budget that ends a deterministic slice. */
uint64_t persona_guard_icount(struct persona_guard *g)
{
    return g->icount;
}

void persona_guard_set_icount(struct persona_guard *g, uint64_t icount)
{
    g->icount = icount;
}

void persona_guard_set_budget(struct persona_guard *g, uint64_t budget)
{
    g->budget = budget;
}

void persona_guard_free(struct persona_guard *g)
{
    pthread_mutex_lock(&g->lock);
    g->quit = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->alarm, NULL);
    pthread_cond_destroy(&g->wake);
    pthread_mutex_destroy(&g->lock);
    free(g);
}
