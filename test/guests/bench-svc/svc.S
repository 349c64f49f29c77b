// bench-svc fast path: a vector table whose lower-EL AArch64 sync entry returns from an SVC #0
// at once (read ESR, compare with EC 0x15 | IL | imm 0, ERET: 5 instructions). Anything else
// (the SVC #1 that ends the EL0 loop, or an unexpected exception) goes to svc_slow in C.
    .section .text.vectors, "ax"
    .balign 0x800
    .global svc_vectors
svc_vectors:
    .rept 8                         // current EL (SP0, SPx): unexpected
    .balign 0x80
    b       svc_unexpected
    .endr
    .balign 0x80                    // +0x400: lower EL, AArch64, synchronous
    mrs     x9, esr_el1
    movz    w10, #0x5600, lsl #16   // EC 0x15 (SVC64) << 26 | IL, ISS (imm16) = 0
    cmp     w9, w10
    b.ne    svc_other
    eret
    .rept 7
    .balign 0x80
    b       svc_unexpected
    .endr

svc_unexpected:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    mov     x2, #0
    b       svc_slow                // (esr, elr, 0): never returns
svc_other:
    mov     x0, x9
    mrs     x1, elr_el1
    mov     x2, #1
    b       svc_slow

// void el0_loop(u64 n, u64 *ticks): runs at EL0 on SP_EL0. n SVC #0, timed with CNTVCT_EL0,
// then stores the ticks and ends with SVC #1 (never returns).
    .text
    .global el0_loop
el0_loop:
    mov     x19, x0
    mov     x20, x1
    isb
    mrs     x21, cntvct_el0
1:  svc     #0
    subs    x19, x19, #1
    b.ne    1b
    isb
    mrs     x22, cntvct_el0
    sub     x22, x22, x21
    str     x22, [x20]
    svc     #1
2:  b       2b
