/* Minimal GICv2 driver. QEMU's virt GIC has no security extensions unless secure=on, so group 0
 * is the only group and GICD_CTLR/GICC_CTLR bit 0 enables it; its interrupts arrive as IRQs.
 * Priority and target registers are updated with 32-bit read-modify-write (byte access is
 * allowed by the spec, but word access works on every implementation). */
#include "persona.h"

void gic_init(void)
{
    mmio_write32(VIRT_GICD_BASE + GICD_CTLR, 1);
    mmio_write32(VIRT_GICC_BASE + GICC_PMR, 0xFF); /* let every priority through */
    mmio_write32(VIRT_GICC_BASE + GICC_BPR, 0);
    mmio_write32(VIRT_GICC_BASE + GICC_CTLR, 1);
}

static void set_byte(uptr reg_base, u32 intid, u8 val)
{
    uptr a = reg_base + (intid & ~3u);
    u32 shift = (intid & 3u) * 8;
    u32 v = mmio_read32(a);
    v = (v & ~(0xFFu << shift)) | ((u32)val << shift);
    mmio_write32(a, v);
}

void gic_enable_irq(u32 intid, u8 priority)
{
    set_byte(VIRT_GICD_BASE + GICD_IPRIORITYR, intid, priority);
    if (intid >= 32) /* SPIs need a target; SGI/PPI targets are read-only */
        set_byte(VIRT_GICD_BASE + GICD_ITARGETSR, intid, 1u << cpu_id());
    mmio_write32(VIRT_GICD_BASE + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

void gic_disable_irq(u32 intid)
{
    mmio_write32(VIRT_GICD_BASE + GICD_ICENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

int gic_is_pending(u32 intid)
{
    return (mmio_read32(VIRT_GICD_BASE + GICD_ISPENDR + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

u32 gic_ack(void) { return mmio_read32(VIRT_GICC_BASE + GICC_IAR); }

void gic_eoi(u32 iar) { mmio_write32(VIRT_GICC_BASE + GICC_EOIR, iar); }
