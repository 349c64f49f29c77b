@ SYNTAX TEST "source.asm.arm" "ARM32/Thumb-2 unified syntax"

#include "asm/assembler.h"
@ <-------- keyword.control.directive.include.arm
    .syntax unified
@   ^^^^^^^ keyword.control.directive.arm
    .thumb_func
@   ^^^^^^^^^^^ keyword.control.directive.arm
    .type   reset, %function
@           ^^^^^ entity.name.function.arm
@                  ^^^^^^^^^ support.constant.symbol-type.arm
reset:
@ <----- entity.name.function.label.arm
    addeq   r0, r1, #4          @ a comment
@   ^^^ keyword.other.mnemonic.arm
@      ^^ keyword.other.condition.arm
@           ^^  ^^ variable.language.register.general.arm
@                   ^ punctuation.definition.immediate.arm
@                    ^ constant.numeric.decimal.arm
@                               ^^^^^^^^^^^ comment.line.at-sign.arm
    ldrne   r2, [r3, #-8]!
@   ^^^ keyword.other.mnemonic.arm
@      ^^ keyword.other.condition.arm
@                        ^ keyword.operator.writeback.arm
    ldrhi   r0, [r1]
@   ^^^ keyword.other.mnemonic.arm
@      ^^ keyword.other.condition.arm
    ldrsh   r0, [r1]
@   ^^^^^ keyword.other.mnemonic.arm - keyword.other.condition.arm
    bxlt    lr
@   ^^ keyword.control.branch.arm
@     ^^ keyword.control.branch.condition.arm
@           ^^ variable.language.register.special.arm
    bls     1f
@   ^ keyword.control.branch.arm
@    ^^ keyword.control.branch.condition.arm
@           ^^ variable.other.label.local.arm
    blle    func
@   ^^ keyword.control.branch.arm
@     ^^ keyword.control.branch.condition.arm
    b.w     far_away
@    ^^ storage.modifier.width.arm
    itte    eq
@   ^^^^ keyword.control.conditional.it.arm
@           ^^ keyword.other.condition.arm
    movseq.w r0, #0
@   ^^^ keyword.other.mnemonic.arm
@      ^ storage.modifier.set-flags.arm
@       ^^ keyword.other.condition.arm
@         ^^ storage.modifier.width.arm
    adds.n  r0, r0, r1, lsl #2
@      ^ storage.modifier.set-flags.arm
@       ^^ storage.modifier.width.arm
@                       ^^^ keyword.operator.shift.arm
    mls     r0, r1, r2, r3
@   ^^^ keyword.other.mnemonic.arm - keyword.other.condition.arm
    teq     r0, #1
@   ^^^ keyword.other.mnemonic.arm - keyword.other.condition.arm
    push    {r0-r3, lr}
@           ^ punctuation.definition.register-list.begin.arm
@            ^^ meta.register-list.arm variable.language.register.general.arm
@              ^ punctuation.separator.range.arm
@                   ^^ meta.register-list.arm variable.language.register.special.arm
@                     ^ punctuation.definition.register-list.end.arm
    ldmia   sp!, {r4-r11, pc}^
@             ^ keyword.operator.writeback.arm
@                         ^^ variable.language.register.special.arm
@                            ^ keyword.operator.user-mode.arm
    mrc     p15, 0, r0, c1, c0, 0
@   ^^^ keyword.other.mnemonic.coprocessor.arm
@           ^^^ variable.language.register.coprocessor.arm
@                   ^^ variable.language.register.general.arm
@                       ^^  ^^ variable.language.register.coprocessor.arm
    mcrne   p15, 0, r0, c7, c5, 0
@   ^^^ keyword.other.mnemonic.coprocessor.arm
@      ^^ keyword.other.condition.arm
    mrrc    p15, 1, r0, r1, c14
@   ^^^^ keyword.other.mnemonic.coprocessor.arm
@                           ^^^ variable.language.register.coprocessor.arm
    msr     cpsr_fc, r0
@   ^^^ keyword.other.mnemonic.system.arm
@           ^^^^^^^ variable.language.register.psr.arm
    mrs     r0, spsr_svc
@               ^^^^^^^^ variable.language.register.banked.arm
    mrs     r1, r8_usr
@               ^^^^^^ variable.language.register.banked.arm
    mrs     r2, APSR
@               ^^^^ variable.language.register.psr.arm
    ldr     r0, =0x1000
@               ^ keyword.operator.literal-pool.arm
@                ^^^^^^ constant.numeric.hex.arm
    movw    r0, #:lower16:sym
@   ^^^^ keyword.other.mnemonic.arm
@                ^^^^^^^^^ support.function.relocation.arm
    mov     ip, sp
@           ^^  ^^ variable.language.register.special.arm
    vadd.f32 s0, s1, s2
@   ^^^^ keyword.other.mnemonic.simd.arm
@       ^^^^ storage.type.data-type.arm
@            ^^ variable.language.register.simd.arm
    vmrs    APSR_nzcv, fpscr
@           ^^^^^^^^^ variable.language.register.psr.arm
@                      ^^^^^ variable.language.register.system.arm
    dmb     ish
@           ^^^ support.constant.barrier.arm
    svc     #0 // a comment too
@              ^^^^^^^^^^^^^^^^ comment.line.double-slash.arm
    nop /* and a block comment */ ; nop
@       ^^^^^^^^^^^^^^^^^^^^^^^^^ comment.block.arm
@                                 ^ punctuation.terminator.statement.arm
@                                   ^^^ keyword.other.mnemonic.system.arm
    .word   sym(GOT), 0xdeadbeef
@   ^^^^^ keyword.control.directive.arm
@              ^^^^^ support.function.relocation.arm
    .macro  save_regs base
@   ^^^^^^ keyword.control.directive.macro.arm
@           ^^^^^^^^^ entity.name.function.macro.arm
@                     ^^^^ variable.parameter.macro.arm
    stmdb   \base!, {r0-r12}
@   ^^^^^ keyword.other.mnemonic.arm
@           ^^^^^ variable.parameter.macro.arm
    .endm
@   ^^^^^ keyword.control.directive.macro.arm
    .ltorg
@   ^^^^^^ keyword.control.directive.arm
