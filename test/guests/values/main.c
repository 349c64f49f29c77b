/* values — a guest for the debugger's variable views, built twice: -O0 (values-O0: every local in
 * the frame, found by DW_OP_fbreg) and -O2 (values: locals in registers, location lists). It has
 * structs, a union, arrays (one of 300 elements for paging), enums, bitfields, pointers, a string,
 * globals and locals in nested blocks. It prints what it computes, so tests can compare what the
 * debugger shows with what the guest itself saw. Lines the tests stop at are marked BREAK. */
#include "persona.h"

enum color { RED, GREEN = 5, BLUE = -2 };

struct flags {
    unsigned mode : 3;
    signed delta : 5;
    unsigned on : 1;
    u32 rest;
};

struct point {
    s32 x;
    s32 y;
};

struct node {
    u32 id;
    const char *name;
    struct point where;
    struct node *next;
    enum color color;
    struct flags f;
    u16 samples[4];
};

typedef struct node node_t;

union word {
    u32 w;
    u8 b[4];
};

u32 counter = 7;
s32 table[3][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
u64 big[300];
const char *greeting = "hello, values";
node_t second = { 2, "second", { -3, 4 }, 0, BLUE, { 2, -3, 0, 0 }, { 0 } };
node_t first = { 1, "first", { 10, -20 }, &second, GREEN, { 5, -7, 1, 0xabcd }, { 1, 2, 3, 4 } };
union word word = { 0x11223344 };
static u32 file_static = 99;
volatile u32 sink;

__attribute__((noinline)) u32 walk(node_t *head, u32 limit)
{
    u32 total = 0;
    for (node_t *n = head; n && limit; n = n->next, limit--) {
        u32 weight = n->id * 10;
        {
            s32 inner = n->where.x + n->where.y;
            total += weight + (u32)inner;
            kprintf("walk: id=%u weight=%u inner=%d total=%u limit=%u\n", n->id, weight, inner, total, limit); /* BREAK walk */
        }
    }
    return total;
}

int main(void)
{
    for (int i = 0; i < 300; i++)
        big[i] = (u64)i * i;
    u32 local = counter + file_static;
    enum color c = first.color;
    kprintf("main: local=%u c=%d mode=%u delta=%d\n", local, (int)c, first.f.mode, (int)first.f.delta); /* BREAK main */
    u32 t = walk(&first, 5);
    counter = t;
    kprintf("values: counter=%u sink=%u\n", counter, sink);
    for (u32 i = 0; i < 10; i++) {
        counter += i;
        sink = counter; /* BREAK loop */
    }
    kprintf("values: end counter=%u sink=%u\n", counter, sink);
    psci_system_off();
}
