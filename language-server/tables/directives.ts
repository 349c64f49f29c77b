// GNU as directives (the common ones in start-up code, vectors and linker-facing assembly), with a
// one-line summary each. Used for completion and hover; unknown directives are not diagnosed,
// because targets and newer binutils add their own.

type Row = readonly [name: string, summary: string];

const ROWS: readonly Row[] = [
  ['.text', 'assemble into the .text section'], ['.data', 'assemble into the .data section'], ['.bss', 'assemble into the .bss section'],
  ['.section', 'assemble into the named section: `.section name, "flags", %type`'], ['.pushsection', 'switch section, remembering the current one'],
  ['.popsection', 'return to the section before the last .pushsection'], ['.previous', 'swap with the previous section'], ['.subsection', 'switch to a numbered subsection'],
  ['.global', 'make a symbol visible to the linker'], ['.globl', 'make a symbol visible to the linker'], ['.extern', 'declare a symbol defined elsewhere (GNU as ignores it)'],
  ['.weak', 'mark a symbol weak'], ['.hidden', 'hidden visibility'], ['.local', 'make a symbol local'], ['.type', 'symbol type: `.type sym, %function` or `%object`'],
  ['.size', 'symbol size: `.size sym, . - sym`'], ['.func', 'start of a function (debug info)'], ['.endfunc', 'end of a function (debug info)'],
  ['.align', 'align to 2^n bytes on AArch64 (to n bytes on some other targets)'], ['.balign', 'align to a number of bytes'], ['.p2align', 'align to 2^n bytes'],
  ['.org', 'advance the location counter to an offset in the section'], ['.skip', 'reserve bytes'], ['.space', 'reserve bytes'], ['.zero', 'reserve zeroed bytes'], ['.fill', 'repeat a value'],
  ['.byte', 'emit bytes'], ['.hword', 'emit 16-bit values'], ['.short', 'emit 16-bit values'], ['.2byte', 'emit 16-bit values, unaligned'], ['.word', 'emit 32-bit values'],
  ['.long', 'emit 32-bit values'], ['.int', 'emit 32-bit values'], ['.4byte', 'emit 32-bit values, unaligned'], ['.quad', 'emit 64-bit values'], ['.xword', 'emit 64-bit values'],
  ['.dword', 'emit 64-bit values'], ['.8byte', 'emit 64-bit values, unaligned'], ['.inst', 'emit an instruction word'], ['.float', 'emit single-precision values'], ['.double', 'emit double-precision values'],
  ['.ascii', 'emit a string without a terminator'], ['.asciz', 'emit a NUL-terminated string'], ['.string', 'emit a NUL-terminated string'],
  ['.sleb128', 'emit signed LEB128 values'], ['.uleb128', 'emit unsigned LEB128 values'],
  ['.equ', 'define a symbol: `.equ name, value`'], ['.set', 'define or redefine a symbol: `.set name, value`'], ['.equiv', 'define a symbol, error if already defined'],
  ['.eqv', 'define a symbol as an expression evaluated at each use'], ['.req', 'register alias: `name .req x19`'], ['.unreq', 'remove a register alias'],
  ['.macro', 'start a macro: `.macro name arg1, arg2=default`'], ['.endm', 'end a macro'], ['.exitm', 'leave a macro expansion early'], ['.purgem', 'delete a macro'],
  ['.irp', 'repeat a block for each listed value'], ['.irpc', 'repeat a block for each character'], ['.rept', 'repeat a block n times'], ['.endr', 'end of .rept/.irp/.irpc'],
  ['.if', 'assemble if the expression is non-zero'], ['.ifdef', 'assemble if the symbol is defined'], ['.ifndef', 'assemble if the symbol is not defined'],
  ['.ifc', 'assemble if two strings are equal'], ['.ifnc', 'assemble if two strings differ'], ['.ifb', 'assemble if the argument is blank'], ['.ifnb', 'assemble if the argument is not blank'],
  ['.ifeq', 'assemble if the expression is zero'], ['.ifne', 'assemble if the expression is non-zero'], ['.else', 'alternative branch of .if'], ['.elseif', 'chained condition'], ['.endif', 'end of .if'],
  ['.include', 'include another assembly file'], ['.incbin', 'include a binary file verbatim'], ['.ltorg', 'emit the literal pool (for `ldr x0, =value`) here'], ['.pool', 'emit the literal pool here'],
  ['.arch', 'select the architecture: `.arch armv8.2-a`'], ['.arch_extension', 'enable an extension: `.arch_extension lse`'], ['.cpu', 'select the CPU'],
  ['.err', 'fail assembly'], ['.error', 'fail assembly with a message'], ['.warning', 'warn with a message'], ['.print', 'print a message during assembly'],
  ['.comm', 'common symbol'], ['.lcomm', 'local common symbol'], ['.file', 'source file name (debug info)'], ['.loc', 'source line (debug info)'], ['.ident', 'identification string'],
  ['.altmacro', 'alternate macro syntax'], ['.noaltmacro', 'standard macro syntax'], ['.reloc', 'emit a relocation'], ['.tlsdesccall', 'TLS descriptor call marker'],
  ['.cfi_startproc', 'start a call frame description'], ['.cfi_endproc', 'end a call frame description'], ['.cfi_def_cfa', 'define the CFA: register and offset'],
  ['.cfi_def_cfa_offset', 'change the CFA offset'], ['.cfi_offset', 'a register is saved at CFA + offset'], ['.cfi_restore', 'a register has its entry value again'],
  ['.cfi_sections', 'which sections get the frame data'], ['.cfi_undefined', 'a register cannot be recovered'],
  ['.arm', 'ARM32 state instructions'], ['.thumb', 'Thumb state instructions'], ['.syntax', '`.syntax unified` for ARM32 unified syntax'], ['.code', '`.code 32` or `.code 16`'],
  ['.fpu', 'select the ARM32 floating-point unit'], ['.thumb_func', 'next symbol is a Thumb function'], ['.eabi_attribute', 'ARM EABI build attribute'],
];

export const DIRECTIVES: ReadonlyMap<string, string> = new Map(ROWS);

/** Directives that select a section by name in their first operand. */
export const SECTION_DIRECTIVES: ReadonlySet<string> = new Set(['.section', '.pushsection']);

/** Data directives whose operands are expressions over symbols (references for navigation). */
export const DATA_DIRECTIVES: ReadonlySet<string> = new Set(['.byte', '.hword', '.short', '.2byte', '.word', '.long', '.int', '.4byte', '.quad', '.xword', '.dword', '.8byte', '.inst']);
