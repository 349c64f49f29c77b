/* A tiny flattened-device-tree reader: see fdt.h. */
#include "fdt.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

u32 fdt_be32(uptr p)
{
    u32 v = mmio_read32(p);
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

u64 fdt_be64(uptr p) { return ((u64)fdt_be32(p) << 32) | fdt_be32(p + 4); }

int fdt_valid(uptr dtb) { return fdt_be32(dtb) == FDT_MAGIC; }

/* Does the NUL-terminated name at `p` equal `want`, or `want@...`? */
static int name_matches(uptr p, const char *want)
{
    for (; *want; want++, p++)
        if (mmio_read8(p) != (u8)*want)
            return 0;
    u8 c = mmio_read8(p);
    return c == 0 || c == '@';
}

static int str_equal(uptr p, const char *want)
{
    for (; *want; want++, p++)
        if (mmio_read8(p) != (u8)*want)
            return 0;
    return mmio_read8(p) == 0;
}

static uptr skip_string(uptr p)
{
    while (mmio_read8(p))
        p++;
    return (p + 1 + 3) & ~3UL;
}

uptr fdt_prop(uptr dtb, const char *node, const char *prop, u32 *len)
{
    if (!fdt_valid(dtb))
        return 0;
    u32 total = fdt_be32(dtb + 4);
    uptr p = dtb + fdt_be32(dtb + 8), end = dtb + total;
    uptr strings = dtb + fdt_be32(dtb + 12);
    int depth = 0, in_node = 0;
    while (p + 4 <= end) {
        u32 tok = fdt_be32(p);
        p += 4;
        if (tok == FDT_BEGIN_NODE) {
            depth++;
            in_node = (depth == 1 && !*node) || (depth == 2 && *node && name_matches(p, node));
            p = skip_string(p);
        } else if (tok == FDT_END_NODE) {
            depth--;
            in_node = 0;
        } else if (tok == FDT_PROP) {
            u32 plen = fdt_be32(p), nameoff = fdt_be32(p + 4);
            uptr val = p + 8;
            if (in_node && str_equal(strings + nameoff, prop)) {
                *len = plen;
                return val;
            }
            p = (val + plen + 3) & ~3UL;
        } else if (tok == FDT_NOP) {
            continue;
        } else {
            break; /* FDT_END or garbage */
        }
    }
    return 0;
}

u64 fdt_ram_size(uptr dtb)
{
    u32 len;
    uptr reg = fdt_prop(dtb, "memory", "reg", &len);
    return reg && len >= 16 ? fdt_be64(reg + 8) : 0;
}
