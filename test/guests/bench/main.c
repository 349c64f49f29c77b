/* bench — a compute benchmark for the emulator's hot path (no devices in the loop): table-driven
 * CRC-32 over a buffer, an integer matrix multiply and a heap sort of a pseudo-random array,
 * about 1.5 G instructions in all. Prints self-checks and checksums on the PL011 at the end and
 * powers off with PSCI SYSTEM_OFF; no semihosting, so it runs the same on plain QEMU virt.
 * Scale with the *_REPS constants; every run prints the same lines. */
#include "persona.h"

#define CRC_BUF   (64 * 1024)
#define CRC_REPS  1080
#define MAT_N     64
#define MAT_REPS  310
#define SORT_N    (64 * 1024)
#define SORT_REPS 22

static u8 buf[CRC_BUF];
static u32 crc_table[256];
static s32 ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];
static u32 arr[SORT_N];

static u64 rng_state = 0x9E3779B97F4A7C15UL;
static u64 rng(void) /* xorshift64: deterministic and cheap */
{
    u64 x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void crc_init(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static u32 crc32(u32 crc, const u8 *p, u64 n)
{
    crc = ~crc;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static u32 matmul_checksum(void)
{
    u32 sum = 0;
    for (int rep = 0; rep < MAT_REPS; rep++) {
        for (int i = 0; i < MAT_N; i++)
            for (int j = 0; j < MAT_N; j++) {
                s32 acc = 0;
                for (int k = 0; k < MAT_N; k++)
                    acc += ma[i][k] * mb[k][j];
                mc[i][j] = acc;
            }
        ma[rep % MAT_N][rep % MAT_N] += mc[MAT_N - 1][rep % MAT_N] & 0xF; /* rounds differ */
        for (int i = 0; i < MAT_N; i++)
            sum = sum * 31 + (u32)mc[i][(i + rep) % MAT_N];
    }
    return sum;
}

static void sift_down(u32 *a, u64 start, u64 end)
{
    u64 root = start;
    while (2 * root + 1 < end) {
        u64 child = 2 * root + 1;
        if (child + 1 < end && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            return;
        u32 t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void heap_sort(u32 *a, u64 n)
{
    for (u64 i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (u64 end = n - 1; end > 0; end--) {
        u32 t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

/* Measuring: build with -DBENCH_TICKS and run QEMU with `-icount shift=0` (1 ns of virtual time
 * per instruction): instructions = counter ticks * 16 at 62.5 MHz. */
#ifdef BENCH_TICKS
#define MARK(what) kprintf("bench: %s ~%lu M instructions\n", what, (read_sysreg(cntvct_el0) * 16) / 1000000)
#else
#define MARK(what) ((void)0)
#endif

int main(void)
{
    int failures = 0;
    uart_puts("bench: crc32, matmul, heapsort\n");

    crc_init();
    u32 check = crc32(0, (const u8 *)"123456789", 9);
    if (check != 0xCBF43926u) { /* the standard CRC-32 check value */
        kprintf("bench: FAIL crc32(\"123456789\") = %08x want cbf43926\n", check);
        failures++;
    }
    for (u64 i = 0; i < CRC_BUF; i++)
        buf[i] = (u8)rng();
    u32 crc = 0;
    for (int r = 0; r < CRC_REPS; r++) {
        crc = crc32(crc, buf, CRC_BUF);
        buf[r] ^= (u8)crc; /* each pass depends on the last */
    }

    MARK("after crc32");
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = (s32)(rng() % 201) - 100;
            mb[i][j] = (s32)(rng() % 201) - 100;
        }
    u32 mat = matmul_checksum();

    MARK("after matmul");
    u32 sort_sum = 0;
    for (int r = 0; r < SORT_REPS; r++) {
        for (u64 i = 0; i < SORT_N; i++)
            arr[i] = (u32)rng();
        heap_sort(arr, SORT_N);
        for (u64 i = 1; i < SORT_N; i++)
            if (arr[i - 1] > arr[i]) {
                kprintf("bench: FAIL not sorted at %lu\n", i);
                failures++;
                break;
            }
        sort_sum = sort_sum * 31 + arr[0] + arr[SORT_N / 2] + arr[SORT_N - 1];
    }

    MARK("after sort");
    kprintf("bench: crc32 = %08x\n", crc);
    kprintf("bench: matmul = %08x\n", mat);
    kprintf("bench: sort = %08x\n", sort_sum);
    kprintf("bench: %s\n", failures ? "FAILED" : "self-checks ok");
    psci_system_off();
}
