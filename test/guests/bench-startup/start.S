// bench-startup — start-up cost: the ELF entry point (set by entry.ld, an implicit linker script
// that overrides lib/start.S's _start) is a PSCI SYSTEM_OFF, so the run ends at the very first
// guest instruction(s). scripts/bench.mjs times the whole process, host start to exit.
    .section .text.boot, "ax"
    .global bench_startup_entry
bench_startup_entry:
    movz    w0, #0x0008
    movk    w0, #0x8400, lsl #16    // w0 = PSCI_SYSTEM_OFF (0x84000008)
    hvc     #0
1:  wfi                             // SYSTEM_OFF never returns
    b       1b

    .text
    .global main                    // lib/start.S links against main; never reached
main:
    b       bench_startup_entry
