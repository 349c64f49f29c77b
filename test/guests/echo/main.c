/* echo — the PL011 receive path with interrupts: RX interrupts through the GIC (INTID 33), bytes
 * drained from the RX FIFO while FR.RXFE is clear, each line echoed back as "echo: <line>". The
 * line "quit" ends the guest with semihosting exit code 0; a line "fail" with code 1. A test types
 * into the persona's console and checks the echo. */
#include "persona.h"

static char line[128];
static volatile u32 len, done, rx_irqs;

static void uart_rx_irq_enable(void)
{
    mmio_write32(VIRT_UART_BASE + UART_IMSC, UART_INT_RX | (1u << 6) /* RT: receive timeout */);
}

static void take_byte(char c)
{
    if (c == '\r')
        return;
    if (c != '\n') {
        if (len < sizeof line - 1)
            line[len++] = c;
        return;
    }
    line[len] = 0;
    kprintf("echo: %s\n", line);
    if (len == 4 && line[0] == 'q' && line[1] == 'u' && line[2] == 'i' && line[3] == 't')
        done = 1;
    if (len == 4 && line[0] == 'f' && line[1] == 'a' && line[2] == 'i' && line[3] == 'l')
        done = 2;
    len = 0;
}

void exception_handler(struct frame *f, u32 vec)
{
    if (vec != VEC_CUR_SPX_IRQ) {
        kprintf("echo: FAIL unexpected exception vec=%u esr=%lx elr=%lx\n", vec, f->esr, f->elr);
        semihost_exit(100);
    }
    u32 iar = gic_ack();
    if (GICC_IAR_INTID(iar) == INTID_UART) {
        rx_irqs++;
        while (!(mmio_read32(VIRT_UART_BASE + UART_FR) & UART_FR_RXFE))
            take_byte((char)mmio_read32(VIRT_UART_BASE + UART_DR));
        mmio_write32(VIRT_UART_BASE + UART_ICR, UART_INT_RX | (1u << 6));
    }
    if (GICC_IAR_INTID(iar) != GIC_SPURIOUS)
        gic_eoi(iar);
}

int main(void)
{
    install_vectors();
    gic_init();
    gic_enable_irq(INTID_UART, 0x80);
    uart_rx_irq_enable();
    uart_puts("echo: ready\n");
    while (!done) {
        wfi();
        irq_enable();
        isb();
        irq_disable();
    }
    kprintf("echo: %u receive interrupts\n", rx_irqs);
    semihost_exit(done == 1 ? 0 : 1);
}
