/* init.c — a Linux user program to be PID 1 of an initramfs (packed by scripts/build-guests.mjs
 * into build/guests/linux-init.cpio as /init, with /dev/console). No libc: raw AArch64 syscalls.
 * It prints who it is, then powers the machine off with reboot(2), which a Linux kernel turns into
 * PSCI SYSTEM_OFF (the persona's run ends with exit code 0). If reboot fails it says so and exits,
 * which the kernel reports as a panic ("Attempted to kill init!"). */

#define SYS_write 64
#define SYS_getpid 172
#define SYS_reboot 142
#define SYS_sync 81
#define SYS_exit 93

#define LINUX_REBOOT_MAGIC1 0xfee1deadL
#define LINUX_REBOOT_MAGIC2 672274793L
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcL

static long syscall4(long n, long a, long b, long c, long d)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
}

static unsigned long length(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static void say(const char *s) { syscall4(SYS_write, 1, (long)s, (long)length(s), 0); }

static void say_number(long v)
{
    char buf[24];
    int i = sizeof buf - 1;
    buf[i] = 0;
    if (v < 0) {
        say("-");
        v = -v;
    }
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v && i > 0);
    say(&buf[i]);
}

void _start(void)
{
    say("persona-init: hello from user space, PID ");
    say_number(syscall4(SYS_getpid, 0, 0, 0, 0));
    say("\npersona-init: powering off\n");
    syscall4(SYS_sync, 0, 0, 0, 0);
    long r = syscall4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, 0);
    say("persona-init: reboot(POWER_OFF) failed: ");
    say_number(r);
    say("\n");
    syscall4(SYS_exit, 1, 0, 0, 0);
    for (;;)
        ;
}
