/* storm — installs a vector table whose synchronous handler itself executes UDF, then executes
 * UDF: an endless exception storm at EL1 that makes no forward progress. A platform must notice
 * (or at least stay responsive and stoppable) instead of spinning silently. Build-only. */
#include "persona.h"

extern char storm_vectors[];

int main(void)
{
    uart_puts("storm: VBAR_EL1 -> vectors that UDF; executing UDF\n");
    write_sysreg(vbar_el1, (u64)storm_vectors);
    isb();
    __asm__ volatile("udf #0x5707");
    uart_puts("storm: FAIL came back\n");
    return 1;
}
