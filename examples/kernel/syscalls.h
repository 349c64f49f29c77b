/* System call ABI between the example kernel and its EL0 task: SVC #0, number in x8, arguments in
 * x0..x2, result in x0 (Linux-style, so a debugger's syscall view reads naturally). */
#ifndef KERNEL_SYSCALLS_H
#define KERNEL_SYSCALLS_H

#define SC_PUTS   1 /* x0 = NUL-terminated string; returns its length */
#define SC_TICKS  2 /* returns timer ticks since boot */
#define SC_SLEEP  3 /* x0 = tick to sleep until (kernel WFIs); returns the tick on wake-up */
#define SC_YIELD  4 /* give up the CPU until the next tick; returns the tick */
#define SC_EXIT   5 /* x0 = exit code; does not return */

#define TICK_HZ 100 /* the kernel's timer tick: 10 ms */

#endif
