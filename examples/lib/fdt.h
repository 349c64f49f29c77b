/* fdt.h — a tiny read-only flattened-device-tree reader (enough for a guest to learn its RAM size
 * and bootargs from the DTB Persona and QEMU put at the RAM base for ELF boots). Link
 * examples/lib/fdt.c. Aligned 32-bit reads only: it runs with the MMU off. */
#ifndef FDT_MINI_H
#define FDT_MINI_H
#include "persona.h"

#define FDT_MAGIC 0xD00DFEEDu

/* The DTB at `dtb`, or 0 when there is none (no magic). */
int fdt_valid(uptr dtb);
/* A property of a node directly under the root whose name is `node` or starts with `node@`
 * ("" = the root itself): its address (4-byte aligned) and length, or 0 when absent. */
uptr fdt_prop(uptr dtb, const char *node, const char *prop, u32 *len);
/* Big-endian cells. */
u32 fdt_be32(uptr p);
u64 fdt_be64(uptr p);
/* Size of the first RAM bank (memory node, 2+2 cells as on virt), or 0 when unknown. */
u64 fdt_ram_size(uptr dtb);

#endif
