/* semihosting — exercises the Arm semihosting calls a debugger/emulator must serve: SYS_WRITEC,
 * SYS_WRITE0, SYS_OPEN(":tt") + SYS_WRITE, then SYS_EXIT_EXTENDED with exit code 7 (a test checks
 * that the code reaches the host). Any wrong result exits 1 instead.
 *
 * Why SYS_OPEN first: in Arm semihosting no handle is pre-opened. QEMU 7.2 fails SYS_WRITE on
 * handle 1 until ":tt" has been opened; the first open returns handle 1, which is the "fd 1"
 * of the parameter block below. newlib's rdimon opens ":tt" the same way. */
#include "persona.h"

static void fail(const char *why)
{
    semihost_call(SYS_WRITE0, (u64)why);
    semihost_exit(1);
}

int main(void)
{
    static const char c = 'S', nl = '\n';
    semihost_call(SYS_WRITEC, (u64)&c);
    semihost_call(SYS_WRITEC, (u64)&nl);

    semihost_call(SYS_WRITE0, (u64)"write0: hello via SYS_WRITE0\n");

    static volatile u64 open_block[3];
    open_block[0] = (u64)":tt";
    open_block[1] = 4; /* mode "w" */
    open_block[2] = 3; /* strlen(":tt") */
    s64 fd = semihost_call(SYS_OPEN, (u64)open_block);
    if (fd != SEMIHOST_STDOUT)
        fail("FAIL SYS_OPEN(\":tt\", w) did not return handle 1\n");

    static const char msg[] = "write: hello via SYS_WRITE on fd 1\n";
    static volatile u64 block[3];
    block[0] = (u64)fd;
    block[1] = (u64)msg;
    block[2] = sizeof msg - 1;
    if (semihost_call(SYS_WRITE, (u64)block) != 0) /* returns the number of bytes NOT written */
        fail("FAIL SYS_WRITE did not write everything\n");

    semihost_call(SYS_WRITE0, (u64)"exit: SYS_EXIT_EXTENDED code 7\n");
    semihost_exit(7);
}
