// A64 mnemonics with one-line summaries (our own words), for hover, completion and the
// unknown-mnemonic diagnostic. Families that differ only by a suffix (LSE atomics, acquire/release
// loads, B.cond) are generated from one row, so the table stays readable.

export interface Mnemonic {
  name: string;
  summary: string;
  /** For completion sorting and the hover title. */
  group: 'base' | 'branch' | 'memory' | 'atomic' | 'system' | 'fp' | 'simd';
}

type Row = readonly [name: string, summary: string];

const BASE: readonly Row[] = [
  ['add', 'add: Rd = Rn + operand'], ['adds', 'add, setting the flags'], ['sub', 'subtract: Rd = Rn - operand'], ['subs', 'subtract, setting the flags'],
  ['adc', 'add with carry'], ['adcs', 'add with carry, setting the flags'], ['sbc', 'subtract with carry'], ['sbcs', 'subtract with carry, setting the flags'],
  ['neg', 'negate: Rd = -operand'], ['negs', 'negate, setting the flags'], ['ngc', 'negate with carry'], ['ngcs', 'negate with carry, setting the flags'],
  ['cmp', 'compare: set the flags from Rn - operand'], ['cmn', 'compare negative: set the flags from Rn + operand'],
  ['mul', 'multiply'], ['madd', 'multiply-add: Rd = Ra + Rn * Rm'], ['msub', 'multiply-subtract: Rd = Ra - Rn * Rm'], ['mneg', 'multiply-negate'],
  ['smull', 'signed 32x32 -> 64 multiply'], ['umull', 'unsigned 32x32 -> 64 multiply'], ['smulh', 'signed multiply, high 64 bits'], ['umulh', 'unsigned multiply, high 64 bits'],
  ['smaddl', 'signed multiply-add long'], ['umaddl', 'unsigned multiply-add long'], ['smsubl', 'signed multiply-subtract long'], ['umsubl', 'unsigned multiply-subtract long'],
  ['smnegl', 'signed multiply-negate long'], ['umnegl', 'unsigned multiply-negate long'], ['sdiv', 'signed divide (x/0 = 0, no trap)'], ['udiv', 'unsigned divide (x/0 = 0, no trap)'],
  ['and', 'bitwise AND'], ['ands', 'bitwise AND, setting the flags'], ['orr', 'bitwise OR'], ['orn', 'bitwise OR NOT'], ['eor', 'bitwise exclusive OR'], ['eon', 'bitwise exclusive OR NOT'],
  ['bic', 'bit clear: Rn AND NOT operand'], ['bics', 'bit clear, setting the flags'], ['tst', 'test bits: set the flags from Rn AND operand'], ['mvn', 'bitwise NOT'],
  ['lsl', 'logical shift left'], ['lsr', 'logical shift right'], ['asr', 'arithmetic shift right'], ['ror', 'rotate right'],
  ['lslv', 'logical shift left by register'], ['lsrv', 'logical shift right by register'], ['asrv', 'arithmetic shift right by register'], ['rorv', 'rotate right by register'],
  ['bfm', 'bitfield move'], ['sbfm', 'signed bitfield move'], ['ubfm', 'unsigned bitfield move'], ['bfi', 'bitfield insert'], ['bfxil', 'bitfield extract and insert low'],
  ['bfc', 'bitfield clear'], ['sbfiz', 'signed bitfield insert in zeros'], ['sbfx', 'signed bitfield extract'], ['ubfiz', 'unsigned bitfield insert in zeros'], ['ubfx', 'unsigned bitfield extract'],
  ['extr', 'extract a register from a pair of registers'], ['sxtb', 'sign-extend byte'], ['sxth', 'sign-extend halfword'], ['sxtw', 'sign-extend word'],
  ['uxtb', 'zero-extend byte'], ['uxth', 'zero-extend halfword'], ['clz', 'count leading zeros'], ['cls', 'count leading sign bits'], ['rbit', 'reverse bits'],
  ['rev', 'reverse bytes'], ['rev16', 'reverse bytes in each halfword'], ['rev32', 'reverse bytes in each word'], ['rev64', 'reverse bytes (64-bit alias of rev)'],
  ['mov', 'move a register or an immediate'], ['movz', 'move a 16-bit immediate, zeroing the other bits'], ['movn', 'move the inverse of a shifted 16-bit immediate'],
  ['movk', 'move a 16-bit immediate into one halfword, keeping the other bits'], ['adr', 'PC-relative address (+-1 MiB)'], ['adrp', 'PC-relative address of a 4 KiB page (+-4 GiB)'],
  ['csel', 'conditional select'], ['csinc', 'conditional select increment'], ['csinv', 'conditional select invert'], ['csneg', 'conditional select negate'],
  ['cset', 'set to 1 if the condition holds, else 0'], ['csetm', 'set to all ones if the condition holds, else 0'], ['cinc', 'conditional increment'], ['cinv', 'conditional invert'],
  ['cneg', 'conditional negate'], ['ccmp', 'conditional compare'], ['ccmn', 'conditional compare negative'],
  ['crc32b', 'CRC-32 of a byte'], ['crc32h', 'CRC-32 of a halfword'], ['crc32w', 'CRC-32 of a word'], ['crc32x', 'CRC-32 of a doubleword'],
  ['crc32cb', 'CRC-32C of a byte'], ['crc32ch', 'CRC-32C of a halfword'], ['crc32cw', 'CRC-32C of a word'], ['crc32cx', 'CRC-32C of a doubleword'],
];

const BRANCH: readonly Row[] = [
  ['b', 'branch (+-128 MiB)'], ['bl', 'branch with link: call, return address in x30'], ['br', 'branch to a register'], ['blr', 'call through a register'],
  ['ret', 'return to x30 (or the given register)'], ['cbz', 'compare and branch if zero'], ['cbnz', 'compare and branch if not zero'],
  ['tbz', 'test a bit and branch if zero'], ['tbnz', 'test a bit and branch if not zero'], ['eret', 'exception return: PC = ELR_ELx, PSTATE = SPSR_ELx'],
  ['braa', 'branch to a register, authenticating it with key A'], ['blraa', 'call a register, authenticating it with key A'], ['retaa', 'return, authenticating x30 with key A and SP'],
  ['retab', 'return, authenticating x30 with key B and SP'], ['eretaa', 'exception return, authenticating ELR with key A'],
];

const MEMORY: readonly Row[] = [
  ['ldr', 'load a register (also `ldr x0, =value` from a literal pool)'], ['ldrb', 'load a byte, zero-extended'], ['ldrh', 'load a halfword, zero-extended'],
  ['ldrsb', 'load a byte, sign-extended'], ['ldrsh', 'load a halfword, sign-extended'], ['ldrsw', 'load a word, sign-extended to 64 bits'],
  ['ldur', 'load with an unscaled offset'], ['ldurb', 'load a byte, unscaled offset'], ['ldurh', 'load a halfword, unscaled offset'],
  ['ldursb', 'load a signed byte, unscaled offset'], ['ldursh', 'load a signed halfword, unscaled offset'], ['ldursw', 'load a signed word, unscaled offset'],
  ['str', 'store a register'], ['strb', 'store a byte'], ['strh', 'store a halfword'], ['stur', 'store with an unscaled offset'], ['sturb', 'store a byte, unscaled offset'], ['sturh', 'store a halfword, unscaled offset'],
  ['ldp', 'load a pair of registers'], ['stp', 'store a pair of registers'], ['ldpsw', 'load a pair of words, sign-extended'], ['ldnp', 'load a pair, non-temporal hint'], ['stnp', 'store a pair, non-temporal hint'],
  ['ldtr', 'load with EL0 permissions (unprivileged)'], ['sttr', 'store with EL0 permissions (unprivileged)'], ['ldtrb', 'unprivileged byte load'], ['sttrb', 'unprivileged byte store'],
  ['ldtrh', 'unprivileged halfword load'], ['sttrh', 'unprivileged halfword store'], ['ldtrsw', 'unprivileged signed word load'],
  ['prfm', 'prefetch memory (a hint)'], ['prfum', 'prefetch memory, unscaled offset'],
  ['ldxp', 'load exclusive pair'], ['stxp', 'store exclusive pair (status in Ws)'], ['ldaxp', 'load-acquire exclusive pair'], ['stlxp', 'store-release exclusive pair'],
  ['ldapr', 'load-acquire RCpc'], ['ldaprb', 'load-acquire RCpc byte'], ['ldaprh', 'load-acquire RCpc halfword'],
];

/** Exclusive and acquire/release loads/stores: one row, three sizes. */
const SIZED: readonly Row[] = [
  ['ldxr', 'load exclusive'], ['stxr', 'store exclusive (status in Ws)'], ['ldaxr', 'load-acquire exclusive'], ['stlxr', 'store-release exclusive'],
  ['ldar', 'load-acquire'], ['stlr', 'store-release'], ['ldlar', 'load LOAcquire'], ['stllr', 'store LORelease'],
];

/** LSE atomics (ARMv8.1): op{a,al,l}{b,h}. */
const ATOMIC: readonly Row[] = [
  ['ldadd', 'atomic add, returning the old value'], ['ldclr', 'atomic bit clear, returning the old value'], ['ldeor', 'atomic exclusive OR, returning the old value'],
  ['ldset', 'atomic bit set, returning the old value'], ['ldsmax', 'atomic signed maximum'], ['ldsmin', 'atomic signed minimum'], ['ldumax', 'atomic unsigned maximum'],
  ['ldumin', 'atomic unsigned minimum'], ['swp', 'atomic swap'], ['cas', 'compare and swap'],
  ['stadd', 'atomic add, no result'], ['stclr', 'atomic bit clear, no result'], ['steor', 'atomic exclusive OR, no result'], ['stset', 'atomic bit set, no result'],
  ['stsmax', 'atomic signed maximum, no result'], ['stsmin', 'atomic signed minimum, no result'], ['stumax', 'atomic unsigned maximum, no result'], ['stumin', 'atomic unsigned minimum, no result'],
];

const SYSTEM: readonly Row[] = [
  ['svc', 'supervisor call: synchronous exception to EL1 (the kernel)'], ['hvc', 'hypervisor call: exception to EL2'], ['smc', 'secure monitor call: exception to EL3'],
  ['brk', 'breakpoint exception'], ['hlt', 'halting debug breakpoint (`hlt #0xf000` is semihosting)'], ['udf', 'permanently undefined instruction'],
  ['msr', 'write a system register (or a PSTATE field with #imm)'], ['mrs', 'read a system register'], ['sys', 'system instruction by encoding'], ['sysl', 'system instruction with a result'],
  ['ic', 'instruction cache maintenance'], ['dc', 'data cache maintenance'], ['at', 'address translation, result in PAR_EL1'], ['tlbi', 'TLB invalidate'],
  ['isb', 'instruction synchronization barrier: refetch after context changes'], ['dsb', 'data synchronization barrier: wait until memory accesses complete'],
  ['dmb', 'data memory barrier: order memory accesses'], ['sb', 'speculation barrier'], ['ssbb', 'speculative store bypass barrier'], ['pssbb', 'physical speculative store bypass barrier'],
  ['nop', 'no operation'], ['yield', 'hint: this thread is spinning'], ['wfe', 'wait for event'], ['wfi', 'wait for interrupt'], ['sev', 'send event to all PEs'], ['sevl', 'send event locally'],
  ['hint', 'hint instruction by number'], ['clrex', 'clear the exclusive monitor'], ['esb', 'error synchronization barrier'], ['psb', 'profiling synchronization barrier'],
  ['csdb', 'consumption of speculative data barrier'], ['bti', 'branch target identification landing pad'],
  ['paciasp', 'sign x30 with key A and SP'], ['autiasp', 'authenticate x30 with key A and SP'], ['pacibsp', 'sign x30 with key B and SP'], ['autibsp', 'authenticate x30 with key B and SP'],
  ['pacia', 'sign a pointer with key A'], ['autia', 'authenticate a pointer with key A'], ['xpaclri', 'strip the pointer authentication code from x30'], ['xpaci', 'strip a PAC from an instruction pointer'],
  ['cfinv', 'invert the carry flag'], ['dcps1', 'debug change PE state to EL1'], ['drps', 'debug restore PE state'],
];

const FP: readonly Row[] = [
  ['fmov', 'floating-point move (register, immediate or to/from a general register)'], ['fadd', 'floating-point add'], ['fsub', 'floating-point subtract'],
  ['fmul', 'floating-point multiply'], ['fdiv', 'floating-point divide'], ['fsqrt', 'floating-point square root'], ['fabs', 'floating-point absolute value'],
  ['fneg', 'floating-point negate'], ['fcmp', 'floating-point compare'], ['fcmpe', 'floating-point compare, signalling on NaN'], ['fccmp', 'floating-point conditional compare'],
  ['fcsel', 'floating-point conditional select'], ['fcvt', 'convert between floating-point precisions'], ['fcvtzs', 'float to signed integer, round toward zero'],
  ['fcvtzu', 'float to unsigned integer, round toward zero'], ['fcvtas', 'float to signed integer, round to nearest away'], ['fcvtms', 'float to signed integer, round toward -inf'],
  ['scvtf', 'signed integer to float'], ['ucvtf', 'unsigned integer to float'], ['fmadd', 'fused multiply-add'], ['fmsub', 'fused multiply-subtract'],
  ['fnmadd', 'negated fused multiply-add'], ['fnmul', 'floating-point multiply-negate'], ['fmax', 'floating-point maximum'], ['fmin', 'floating-point minimum'],
  ['fmaxnm', 'floating-point maximum number'], ['fminnm', 'floating-point minimum number'], ['frintn', 'round to integral, to nearest even'], ['frintz', 'round to integral, toward zero'],
  ['frinta', 'round to integral, to nearest away'], ['frintm', 'round to integral, toward -inf'], ['frintp', 'round to integral, toward +inf'], ['frintx', 'round to integral, exact'],
];

const SIMD: readonly Row[] = [
  ['ld1', 'load one to four vector registers'], ['st1', 'store one to four vector registers'], ['ld1r', 'load and replicate to all lanes'],
  ['ld2', 'load 2-element structures, de-interleaving'], ['st2', 'store 2-element structures, interleaving'], ['ld3', 'load 3-element structures'], ['st3', 'store 3-element structures'],
  ['ld4', 'load 4-element structures'], ['st4', 'store 4-element structures'], ['ins', 'insert a lane'], ['dup', 'duplicate a value into all lanes'],
  ['umov', 'move a lane to a general register, zero-extended'], ['smov', 'move a lane to a general register, sign-extended'], ['movi', 'move an immediate into vector lanes'],
  ['mvni', 'move the inverse of an immediate into vector lanes'], ['ext', 'extract a vector from a pair of vectors'], ['zip1', 'interleave low halves'], ['zip2', 'interleave high halves'],
  ['uzp1', 'de-interleave even elements'], ['uzp2', 'de-interleave odd elements'], ['trn1', 'transpose even elements'], ['trn2', 'transpose odd elements'],
  ['tbl', 'table lookup'], ['tbx', 'table lookup, keeping out-of-range lanes'], ['addv', 'add across lanes'], ['uaddlv', 'unsigned add long across lanes'],
  ['cnt', 'population count per byte'], ['cmeq', 'compare lanes equal'], ['cmhi', 'compare lanes unsigned higher'], ['cmgt', 'compare lanes signed greater'],
  ['addp', 'add pairwise'], ['umaxv', 'unsigned maximum across lanes'], ['uminv', 'unsigned minimum across lanes'], ['xtn', 'extract narrow'],
  ['ushr', 'unsigned shift right (vector)'], ['shl', 'shift left (vector)'], ['sshr', 'signed shift right (vector)'], ['ushll', 'unsigned shift left long'], ['uxtl', 'unsigned extend long'],
  ['sxtl', 'signed extend long'], ['aese', 'AES single-round encryption'], ['aesd', 'AES single-round decryption'], ['aesmc', 'AES mix columns'], ['aesimc', 'AES inverse mix columns'],
  ['sha256h', 'SHA256 hash update (part 1)'], ['sha256h2', 'SHA256 hash update (part 2)'], ['sha256su0', 'SHA256 schedule update 0'], ['sha256su1', 'SHA256 schedule update 1'],
  ['pmull', 'polynomial multiply long'], ['pmull2', 'polynomial multiply long, upper halves'], ['bif', 'bitwise insert if false'], ['bit', 'bitwise insert if true'], ['bsl', 'bitwise select'],
];

/** Condition codes, as B.cond, CSEL and CCMP spell them. */
export const CONDITIONS: ReadonlyMap<string, string> = new Map([
  ['eq', 'equal (Z)'], ['ne', 'not equal (!Z)'], ['cs', 'carry set / unsigned >='], ['hs', 'unsigned higher or same (C)'], ['cc', 'carry clear / unsigned <'],
  ['lo', 'unsigned lower (!C)'], ['mi', 'negative (N)'], ['pl', 'positive or zero (!N)'], ['vs', 'overflow (V)'], ['vc', 'no overflow (!V)'],
  ['hi', 'unsigned higher'], ['ls', 'unsigned lower or same'], ['ge', 'signed >='], ['lt', 'signed <'], ['gt', 'signed >'], ['le', 'signed <='], ['al', 'always'], ['nv', 'always (reserved)'],
]);

function build(): Map<string, Mnemonic> {
  const m = new Map<string, Mnemonic>();
  const add = (name: string, summary: string, group: Mnemonic['group']): void => { m.set(name, { name, summary, group }); };
  const rows: readonly (readonly [readonly Row[], Mnemonic['group']])[] = [[BASE, 'base'], [BRANCH, 'branch'], [MEMORY, 'memory'], [SYSTEM, 'system'], [FP, 'fp'], [SIMD, 'simd']];
  for (const [list, group] of rows) for (const [n, s] of list) add(n, s, group);
  for (const [n, s] of SIZED) for (const [suf, what] of [['', ''], ['b', ' (byte)'], ['h', ' (halfword)']]) add(n + suf, s + what, 'memory');
  for (const [n, s] of ATOMIC) {
    const orders = n.startsWith('st') ? [['', ''], ['l', ', release']] : [['', ''], ['a', ', acquire'], ['al', ', acquire-release'], ['l', ', release']];
    for (const [o, ow] of orders) for (const [z, zw] of [['', ''], ['b', ' (byte)'], ['h', ' (halfword)']]) add(n + o + z, s + ow! + zw!, 'atomic');
  }
  for (const o of ['', 'a', 'al', 'l']) add(`casp${o}`, 'compare and swap a register pair', 'atomic');
  for (const [c, meaning] of CONDITIONS) {
    add(`b.${c}`, `branch if ${meaning}`, 'branch');
    add(`b${c}`, `branch if ${meaning} (GNU as also accepts B.cond without the dot)`, 'branch');
  }
  return m;
}

export const MNEMONICS: ReadonlyMap<string, Mnemonic> = build();

/** Case-insensitive lookup (`LDR`, `b.EQ`). */
export function mnemonic(name: string): Mnemonic | undefined {
  return MNEMONICS.get(name.toLowerCase());
}
