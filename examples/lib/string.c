/* GCC may emit calls to memset/memcpy even in freestanding code (struct copies, zeroing loops),
 * so every guest needs them. Byte loops: no alignment assumptions with the MMU off. */
#include "persona.h"

void *memset(void *d, int c, unsigned long n)
{
    volatile u8 *p = d; /* volatile: stop GCC from turning this loop back into memset() */
    while (n--)
        *p++ = (u8)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
    volatile u8 *p = d;
    const u8 *q = s;
    while (n--)
        *p++ = *q++;
    return d;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (u8)*a - (u8)*b;
}

unsigned long strlen(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}
