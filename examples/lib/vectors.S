// VBAR_EL1 table shared by guests: every one of the 16 entries saves a full register frame
// (struct frame in persona.h) on SP_EL1 and calls exception_handler(frame, vector index).
// On return the frame is restored, including ELR/SPSR/SP_EL0, so handlers can skip an
// instruction, return a syscall result in x0 or switch tasks by editing the frame.
    .equ FRAME_SIZE, 288

    .macro ventry idx
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\idx
    b       exc_common
    .endm

    .section .text.vectors, "ax"
    .balign 0x800                   // VBAR_EL1 needs 2 KiB alignment
    .global vectors_el1
vectors_el1:
    ventry 0   // current EL, SP_EL0: sync
    ventry 1   //   irq
    ventry 2   //   fiq
    ventry 3   //   serror
    ventry 4   // current EL, SP_ELx: sync
    ventry 5   //   irq
    ventry 6   //   fiq
    ventry 7   //   serror
    ventry 8   // lower EL, AArch64: sync
    ventry 9   //   irq
    ventry 10  //   fiq
    ventry 11  //   serror
    ventry 12  // lower EL, AArch32 (unused)
    ventry 13
    ventry 14
    ventry 15

exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #256]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #272]
    mov     x0, sp
    bl      exception_handler
    ldp     x2, x3, [sp, #256]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x30, x2, [sp, #240]
    msr     sp_el0, x2
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret
