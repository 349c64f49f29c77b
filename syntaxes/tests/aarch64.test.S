// SYNTAX TEST "source.asm.aarch64" "AArch64 GNU as (.S through cpp)"

#include <asm/sysreg.h>
// <-------- meta.preprocessor.include.aarch64 keyword.control.directive.include.aarch64
//       ^^^^^^^^^^^^^^ string.quoted.other.lt-gt.include.aarch64
#define SCTLR_M (1 << 0)
// <------- keyword.control.directive.define.aarch64
//      ^^^^^^^ entity.name.function.preprocessor.aarch64
#ifdef CONFIG_EL2
// <------ keyword.control.directive.conditional.aarch64
# a gas comment, not a directive
// <- comment.line.number-sign.aarch64
/* a block comment
// <-- comment.block.aarch64 punctuation.definition.comment.begin.aarch64
   spanning lines */ nop
// ^^^^^^^^^^^^^^^^ comment.block.aarch64
//                   ^^^ keyword.other.mnemonic.system.aarch64 - comment.block.aarch64
    .section .text.boot, "ax", %progbits
//  ^^^^^^^^ keyword.control.directive.section.aarch64
//           ^^^^^^^^^^ entity.name.section.aarch64
//                       ^^^^ string.quoted.double.aarch64
//                             ^^^^^^^^^ support.constant.symbol-type.aarch64
    .global _start, other
//  ^^^^^^^ keyword.control.directive.aarch64
//          ^^^^^^  ^^^^^ entity.name.function.aarch64
    .globl  vectors
//  ^^^^^^ keyword.control.directive.aarch64
    .type   _start, %function
//          ^^^^^^ entity.name.function.aarch64
//                  ^^^^^^^^^ support.constant.symbol-type.aarch64
_start:
// <------ entity.name.function.label.aarch64
//    ^ punctuation.separator.label.aarch64
.Lsecondary: mov x0, xzr
// <----------- entity.name.function.label.aarch64
//           ^^^ meta.instruction.aarch64 keyword.other.mnemonic.aarch64
1:  mrs     x0, ESR_EL1          // syndrome
// <- entity.name.function.label.local.aarch64
//  ^^^ keyword.other.mnemonic.system.aarch64
//          ^^ variable.language.register.general.aarch64
//              ^^^^^^^ variable.language.register.system.aarch64
//                               ^^^^^^^^^^^ comment.line.double-slash.aarch64
    msr     sctlr_el1, x1 ; isb
//          ^^^^^^^^^ variable.language.register.system.aarch64
//                        ^ punctuation.terminator.statement.aarch64
//                          ^^^ keyword.other.mnemonic.system.aarch64
    mrs     x1, CNTV_CTL_EL0
//              ^^^^^^^^^^^^ variable.language.register.system.aarch64
    mrs     x2, S3_0_C15_C2_0
//              ^^^^^^^^^^^^^ variable.language.register.system.aarch64
    msr     daifset, #0xf
//          ^^^^^^^ variable.language.register.system.aarch64
    cbz     x0, 1b
//  ^^^ keyword.control.branch.aarch64
//              ^^ variable.other.label.local.aarch64
    b.eq    1f
//  ^ keyword.control.branch.aarch64
//   ^ punctuation.separator.condition.aarch64
//    ^^ keyword.control.branch.condition.aarch64
//          ^^ variable.other.label.local.aarch64
    B.NE    el2_entry
//    ^^ keyword.control.branch.condition.aarch64
//          ^^^^^^^^^ variable.other.symbol.aarch64
    bl      kernel_main
//  ^^ keyword.control.branch.aarch64
    csel    w0, w1, wzr, ne
//  ^^^^ keyword.other.mnemonic.aarch64
//          ^^  ^^ variable.language.register.general.aarch64
//                  ^^^ variable.language.register.special.aarch64
//                       ^^ keyword.other.condition.aarch64
    add     x0, x0, #0x10, lsl #12
//                  ^ punctuation.definition.immediate.aarch64
//                   ^^^^ constant.numeric.hex.aarch64
//                         ^^^ keyword.operator.shift.aarch64
//                              ^^ constant.numeric.decimal.aarch64
    mov     x1, #-1
//               ^ keyword.operator.arithmetic.aarch64
//                ^ constant.numeric.decimal.aarch64
    adrp    x0, :got:sym
//              ^^^^^ support.function.relocation.aarch64
//                   ^^^ variable.other.symbol.aarch64
    ldr     x0, [x0, #:got_lo12:sym]
//              ^ punctuation.definition.brackets.begin.aarch64
//                   ^ punctuation.definition.immediate.aarch64
//                    ^^^^^^^^^^ support.function.relocation.aarch64
    add     x1, x1, #:lo12:sym
//                   ^^^^^^ support.function.relocation.aarch64
    add     x0, x0, :tprel_hi12:tls_var, lsl #12
//                  ^^^^^^^^^^^^ support.function.relocation.aarch64
    ldr     x2, [sp, #16]!
//               ^^ variable.language.register.special.aarch64
//                       ^ keyword.operator.writeback.aarch64
    add     x0, x1, w2, uxtw #2
//                      ^^^^ keyword.operator.shift.aarch64
    ld1     {v0.4s, v1.4s}, [x0], #32
//          ^ punctuation.definition.list.begin.aarch64
//           ^^ variable.language.register.simd.aarch64
//              ^^ storage.type.arrangement.aarch64
    fmov    d0, #1.5
//          ^^ variable.language.register.simd.aarch64
//               ^^^ constant.numeric.float.aarch64
    ldr     x1, =__bss_start
//              ^ keyword.operator.literal-pool.aarch64
//               ^^^^^^^^^^^ variable.other.symbol.aarch64
    ldr     q1, [x1], #16
//          ^^ variable.language.register.simd.aarch64
    str     wzr, [x29, #-4]
//          ^^^ variable.language.register.special.aarch64
//                ^^^ variable.language.register.general.aarch64
    stp     fp, lr, [sp, #-16]!
//          ^^  ^^ variable.language.register.special.aarch64
    tlbi    vmalle1is
//  ^^^^ keyword.other.mnemonic.system.aarch64
//          ^^^^^^^^^ support.constant.operation.aarch64
    dsb     ish
//          ^^^ support.constant.barrier.aarch64
    hvc     #0
//  ^^^ keyword.other.mnemonic.system.aarch64
    .macro  ventry idx, name:req, val=1
//  ^^^^^^ keyword.control.directive.macro.aarch64
//          ^^^^^^ entity.name.function.macro.aarch64
//                 ^^^  ^^^^ variable.parameter.macro.aarch64
//                           ^^^ storage.modifier.macro-parameter.aarch64
    mov     x1, #\idx
//               ^^^^ variable.parameter.macro.aarch64
    b       \name\()_handler
//          ^^^^^ variable.parameter.macro.aarch64
//               ^^^ punctuation.separator.macro-concatenation.aarch64
    .endm
//  ^^^^^ keyword.control.directive.macro.aarch64
    ventry  3
//  ^^^^^^ keyword.other.mnemonic.aarch64
    .equ    FRAME_SIZE, 288
//  ^^^^ keyword.control.directive.aarch64
//          ^^^^^^^^^^ entity.name.constant.aarch64
    .set    TWICE, FRAME_SIZE * 2
//          ^^^^^ entity.name.constant.aarch64
//                 ^^^^^^^^^^ variable.other.symbol.aarch64
    STACK = 0x4000
//  ^^^^^ entity.name.constant.aarch64
//        ^ keyword.operator.assignment.aarch64
//          ^^^^^^ constant.numeric.hex.aarch64
    .balign 0x800
//  ^^^^^^^ keyword.control.directive.aarch64
    .quad   0x123456789abcdef0, _start
//  ^^^^^ keyword.control.directive.aarch64
//          ^^^^^^^^^^^^^^^^^^ constant.numeric.hex.aarch64
    .asciz  "hello\n"
//          ^^^^^^^^^ string.quoted.double.aarch64
//                ^^ constant.character.escape.aarch64
    .word   0b1010, 017, 42, 1.0e3
//          ^^^^^^ constant.numeric.binary.aarch64
//                  ^^^ constant.numeric.octal.aarch64
//                       ^^ constant.numeric.decimal.aarch64
//                           ^^^^^ constant.numeric.float.aarch64
    .size   _start, . - _start
//          ^^^^^^ entity.name.function.aarch64
//                  ^ variable.language.location-counter.aarch64
    .ifdef  CONFIG_GICV3
//  ^^^^^^ keyword.control.directive.conditional.aarch64
    .endif
//  ^^^^^^ keyword.control.directive.conditional.aarch64
    .rept 4
//  ^^^^^ keyword.control.directive.repeat.aarch64
    .endr
fp_alias .req x29
// <-------- entity.name.variable.register-alias.aarch64
//       ^^^^ keyword.control.directive.aarch64
#endif
// <------ keyword.control.directive.conditional.aarch64
