/*
 * persona.h — the guest-facing ABI of a Persona persona, in one header.
 *
 * A persona looks like QEMU's `virt` board (GICv2, PL011, PL031, generic timer at 62.5 MHz,
 * PSCI over HVC, Arm semihosting), so everything here is what a guest built for QEMU virt already
 * assumes. Guests are freestanding (-nostdlib -mgeneral-regs-only): no libc, no FP/SIMD.
 */
#ifndef PERSONA_H
#define PERSONA_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed int s32;
typedef signed long s64;
typedef unsigned long uptr;

/* ---- Memory map (guest-physical, QEMU hw/arm/virt.c base_memmap[]) ---- */
#define VIRT_FLASH_BASE   0x00000000UL
#define VIRT_GICD_BASE    0x08000000UL /* GICv2 distributor */
#define VIRT_GICC_BASE    0x08010000UL /* GICv2 CPU interface */
#define VIRT_UART_BASE    0x09000000UL /* PL011 */
#define VIRT_RTC_BASE     0x09010000UL /* PL031 */
#define VIRT_FWCFG_BASE   0x09020000UL
#define VIRT_VIRTIO_BASE  0x0A000000UL
#define VIRT_RAM_BASE     0x40000000UL /* the DTB sits here for ELF boots */
#define VIRT_RAM_SIZE_DEFAULT (128UL << 20)
/* Past the end of the default 128 MiB of RAM: nothing answers, so accesses take an external abort. */
#define VIRT_UNMAPPED_ADDR 0x80000000UL

/* ---- PL011 UART (ARM DDI 0183) ---- */
#define UART_DR    0x000 /* data */
#define UART_RSR   0x004
#define UART_FR    0x018 /* flags */
#define UART_IBRD  0x024
#define UART_FBRD  0x028
#define UART_LCR_H 0x02C
#define UART_CR    0x030
#define UART_IMSC  0x038 /* interrupt mask set/clear */
#define UART_RIS   0x03C
#define UART_MIS   0x040
#define UART_ICR   0x044
#define UART_FR_BUSY (1u << 3)
#define UART_FR_RXFE (1u << 4) /* receive FIFO empty */
#define UART_FR_TXFF (1u << 5) /* transmit FIFO full */
#define UART_FR_TXFE (1u << 7)
#define UART_CR_UARTEN (1u << 0)
#define UART_CR_TXE    (1u << 8)
#define UART_CR_RXE    (1u << 9)
#define UART_INT_RX    (1u << 4)
#define UART_INT_TX    (1u << 5)

/* ---- PL031 RTC ---- */
#define RTC_DR 0x000 /* seconds since the epoch */
#define RTC_MR 0x004
#define RTC_LR 0x008
#define RTC_CR 0x00C

/* ---- GICv2 (ARM IHI 0048) ---- */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080 /* + 4*(id/32) */
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400 /* one byte per INTID */
#define GICD_ITARGETSR  0x800 /* one byte per INTID */
#define GICD_ICFGR      0xC00
#define GICD_SGIR       0xF00
#define GICC_CTLR 0x000
#define GICC_PMR  0x004
#define GICC_BPR  0x008
#define GICC_IAR  0x00C
#define GICC_EOIR 0x010
#define GICC_RPR  0x014
#define GICC_HPPIR 0x018
#define GICC_IAR_INTID(v) ((v) & 0x3FFu)
#define GIC_SPURIOUS 1023u

/* ---- Interrupt ids (INTID = SPI + 32; PPIs 16..31) ---- */
#define INTID_HYP_TIMER   26
#define INTID_VTIMER      27
#define INTID_SEC_PTIMER  29
#define INTID_PTIMER      30 /* non-secure EL1 physical timer */
#define INTID_UART        33
#define INTID_RTC         34

/* ---- Generic timer ---- */
#define VIRT_CNTFRQ 62500000UL /* QEMU's fixed counter frequency */
#define CNT_CTL_ENABLE  (1u << 0)
#define CNT_CTL_IMASK   (1u << 1)
#define CNT_CTL_ISTATUS (1u << 2)

/* ---- SMCCC, PSCI and the Persona hypercall ABI (called with HVC #0): generated from the
 * hypervisor's own table, see docs/hypercalls.md ---- */
#include "persona-hypercalls.h"
#define PSCI_AFF_ON          0 /* AFFINITY_INFO results */
#define PSCI_AFF_OFF         1
#define PSCI_AFF_ON_PENDING  2
#define PSCI_VERSION_MAJOR(v) (((u32)(v) >> 16) & 0xFFFFu)
#define PSCI_VERSION_MINOR(v) ((u32)(v) & 0xFFFFu)

/* ---- Arm semihosting (trap: hlt #0xf000, op in w0, parameter in x1, result in x0) ---- */
#define SYS_OPEN          0x01
#define SYS_CLOSE         0x02
#define SYS_WRITEC        0x03 /* x1 -> one char */
#define SYS_WRITE0        0x04 /* x1 -> NUL-terminated string */
#define SYS_WRITE         0x05 /* x1 -> {fd, buf, len}; returns bytes NOT written */
#define SYS_READ          0x06
#define SYS_EXIT          0x18 /* x1 -> {reason, subcode} on AArch64 */
#define SYS_EXIT_EXTENDED 0x20 /* x1 -> {reason, subcode} */
#define ADP_Stopped_ApplicationExit 0x20026UL
#define SEMIHOST_STDOUT 1 /* handle of the first SYS_OPEN(":tt", "w") on QEMU; none is pre-opened */

/* ---- Exceptions: ESR_ELx fields and exception classes (Arm ARM D17.2.37) ---- */
#define ESR_EC_SHIFT 26
#define ESR_EC(esr)  (((esr) >> 26) & 0x3Fu)
#define ESR_IL       (1u << 25) /* 32-bit instruction */
#define ESR_ISS(esr) ((esr) & 0x1FFFFFFu)
#define EC_UNKNOWN       0x00 /* includes UDF */
#define EC_WFX           0x01
#define EC_FP_ACCESS     0x07
#define EC_ILLEGAL_STATE 0x0E
#define EC_SVC64         0x15
#define EC_HVC64         0x16
#define EC_SMC64         0x17
#define EC_SYSREG        0x18
#define EC_IABT_LOWER    0x20
#define EC_IABT_CUR      0x21
#define EC_PC_ALIGN      0x22
#define EC_DABT_LOWER    0x24
#define EC_DABT_CUR      0x25
#define EC_SP_ALIGN      0x26
#define EC_SERROR        0x2F
#define EC_BREAKPT_LOWER 0x30
#define EC_BREAKPT_CUR   0x31
#define EC_SSTEP_LOWER   0x32
#define EC_SSTEP_CUR     0x33
#define EC_WATCHPT_LOWER 0x34
#define EC_WATCHPT_CUR   0x35
#define EC_BRK64         0x3C
/* Data/instruction abort ISS bits */
#define ESR_DABT_ISV   (1u << 24)
#define ESR_DABT_EA    (1u << 9)
#define ESR_DABT_WNR   (1u << 6)
#define ESR_xFSC(esr)  ((esr) & 0x3Fu)
#define FSC_SYNC_EXTERNAL 0x10

/* PSTATE / SPSR */
#define SPSR_M_EL0t 0x0
#define SPSR_M_EL1t 0x4
#define SPSR_M_EL1h 0x5
#define SPSR_F (1u << 6)
#define SPSR_I (1u << 7)
#define SPSR_A (1u << 8)
#define SPSR_D (1u << 9)
#define SPSR_DAIF (SPSR_D | SPSR_A | SPSR_I | SPSR_F)

/* Vector offsets in VBAR_EL1 (index = offset / 0x80) */
#define VEC_CUR_SP0_SYNC  0
#define VEC_CUR_SPX_SYNC  4
#define VEC_CUR_SPX_IRQ   5
#define VEC_LOWER64_SYNC  8
#define VEC_LOWER64_IRQ   9
#define VEC_KIND(v)  ((v) & 3) /* 0 sync, 1 irq, 2 fiq, 3 serror */

/* ---- Helpers ---- */
#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(r, v) do { u64 __v = (u64)(v); __asm__ volatile("msr " #r ", %0" :: "r"(__v)); } while (0)
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")
#define wfi() __asm__ volatile("wfi" ::: "memory")
#define wfe() __asm__ volatile("wfe" ::: "memory")
#define sev() __asm__ volatile("sev" ::: "memory")
#define irq_enable()  __asm__ volatile("msr daifclr, #2" ::: "memory")
#define irq_disable() __asm__ volatile("msr daifset, #2" ::: "memory")

static inline u32 mmio_read32(uptr a) { return *(volatile u32 *)a; }
static inline void mmio_write32(uptr a, u32 v) { *(volatile u32 *)a = v; }
static inline u8 mmio_read8(uptr a) { return *(volatile u8 *)a; }
static inline void mmio_write8(uptr a, u8 v) { *(volatile u8 *)a = v; }

/* Everything a hypercall returns: x0 (status or value) and x1..x3. */
struct hvc_result {
    s64 x0;
    u64 x1, x2, x3;
};

/* HVC #0 with the SMCCC convention: id in x0, args x1..x3, results x0..x3 (x4..x17 may be clobbered). */
static inline struct hvc_result hvc_call4(u64 id, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 __asm__("x0") = id;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "memory");
    struct hvc_result r = { (s64)x0, x1, x2, x3 };
    return r;
}

/* The same, keeping only x0. */
static inline s64 hvc_call(u64 id, u64 a1, u64 a2, u64 a3)
{
    return hvc_call4(id, a1, a2, a3).x0;
}

/* Semihosting call: op in w0, parameter in x1, result in x0. */
static inline s64 semihost_call(u32 op, u64 param)
{
    register u64 x0 __asm__("x0") = op;
    register u64 x1 __asm__("x1") = param;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (s64)x0;
}

static inline void uart_putc(char c)
{
    while (mmio_read32(VIRT_UART_BASE + UART_FR) & UART_FR_TXFF)
        ;
    mmio_write32(VIRT_UART_BASE + UART_DR, (u8)c);
}

static inline void uart_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            uart_putc('\r'); /* terminals expect CRLF; hosts strip the CR */
        uart_putc(*s);
    }
}

static inline u32 cpu_id(void) { return (u32)(read_sysreg(mpidr_el1) & 0xFFu); }

/* ---- examples/lib (linked into every guest) ---- */
/* The register frame vectors.S saves; handlers may edit it (elr, spsr, x[]) before ERET. */
struct frame {
    u64 x[31];
    u64 sp_el0;
    u64 elr;
    u64 spsr;
    u64 esr; /* read-only copies for the handler */
    u64 far;
};
/* Called by vectors.S for every exception; `vec` is the vector index 0..15. Guests define it
 * (a weak default in lib/exc.c reports the exception and powers off). */
void exception_handler(struct frame *f, u32 vec);
extern char vectors_el1[]; /* 2 KiB-aligned table for VBAR_EL1 */
void install_vectors(void);

void kprintf(const char *fmt, ...); /* %d %u %x %lx %ld %lu %s %c %p, widths like %08x */
void psci_system_off(void) __attribute__((noreturn));
void semihost_exit(u64 code) __attribute__((noreturn));
void gic_init(void);
void gic_enable_irq(u32 intid, u8 priority);
void gic_disable_irq(u32 intid);
int gic_is_pending(u32 intid);
u32 gic_ack(void);
void gic_eoi(u32 iar);
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);
int strcmp(const char *a, const char *b);
unsigned long strlen(const char *s);

#endif
