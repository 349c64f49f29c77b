/* kprintf: the few formats guests need (%d %u %x %X %p %s %c %%, l/ll modifiers, 0-padded or
 * space-padded widths), written to the PL011. No FP, no allocation. */
#include <stdarg.h>
#include "persona.h"

static void put(char c)
{
    if (c == '\n')
        uart_putc('\r');
    uart_putc(c);
}

static void put_num(u64 v, u32 base, int neg, int width, char pad, int upper)
{
    char buf[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        buf[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    for (; width > n; width--)
        put(pad);
    while (n)
        put(buf[--n]);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            lng = 1, fmt++;
        switch (*fmt) {
        case 'd': {
            s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
            put_num(v < 0 ? -(u64)v : (u64)v, 10, v < 0, width, pad, 0);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 10, 0, width, pad, 0);
            break;
        case 'x':
        case 'X':
            put_num(lng ? va_arg(ap, u64) : va_arg(ap, u32), 16, 0, width, pad, *fmt == 'X');
            break;
        case 'p':
            put('0'), put('x');
            put_num((u64)va_arg(ap, void *), 16, 0, width, pad, 0);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                put(*s);
            break;
        }
        case 'c':
            put((char)va_arg(ap, int));
            break;
        case '%':
            put('%');
            break;
        default: /* unknown: show it verbatim so the mistake is visible */
            put('%');
            put(*fmt);
            if (!*fmt)
                fmt--;
        }
    }
    va_end(ap);
}
