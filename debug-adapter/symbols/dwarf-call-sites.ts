// Call sites (DWARF 5 section 3.4.2): at a call, optimised code records how the caller computed
// each argument register (DW_AT_call_value). That is how a callee's DW_OP_entry_value(DW_OP_reg0)
// is recovered after x0 was reused: evaluate the caller's expression in the caller's frame.

import type { Die, DieTree } from './dwarf-info';

const TAG_CALL_SITE = [0x48, 0x4109] as const; // DW_TAG_call_site, DW_TAG_GNU_call_site
const TAG_CALL_SITE_PARAMETER = [0x49, 0x410a] as const;
const AT_CALL_RETURN_PC = 0x7d;
const AT_LOW_PC = 0x11; // GNU call sites name the return address with low_pc
const AT_LOCATION = 0x02;
const AT_CALL_VALUE = [0x7e, 0x2111] as const; // DW_AT_call_value, DW_AT_GNU_call_site_value
const DW_OP_reg0 = 0x50;
const DW_OP_regx = 0x90;

/** The caller's expression for the value register `register` held at the call returning to `returnPc`. */
export function callSiteValue(tree: DieTree, callerDieOffset: number, returnPc: bigint, register: number): Uint8Array | undefined {
  const root = tree.die(callerDieOffset);
  if (root === undefined) return undefined;
  const stack: Die[] = [...root.children];
  for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
    if ((TAG_CALL_SITE as readonly number[]).includes(d.tag)) {
      const ret = d.attrs.get(AT_CALL_RETURN_PC) ?? d.attrs.get(AT_LOW_PC);
      if (ret?.kind !== 'address' || ret.value !== returnPc) continue;
      for (const p of d.children) {
        if (!(TAG_CALL_SITE_PARAMETER as readonly number[]).includes(p.tag)) continue;
        const loc = p.attrs.get(AT_LOCATION);
        if ((loc?.kind !== 'exprloc' && loc?.kind !== 'block') || singleRegister(loc.bytes) !== register) continue;
        const value = p.attrs.get(AT_CALL_VALUE[0]) ?? p.attrs.get(AT_CALL_VALUE[1]);
        if (value?.kind === 'exprloc' || value?.kind === 'block') return value.bytes;
      }
      return undefined;
    }
    stack.push(...d.children);
  }
  return undefined;
}

/** N when the expression is exactly DW_OP_regN or DW_OP_regx N. */
export function singleRegister(bytes: Uint8Array): number | undefined {
  if (bytes.length === 1 && bytes[0]! >= DW_OP_reg0 && bytes[0]! < DW_OP_reg0 + 32) return bytes[0]! - DW_OP_reg0;
  if (bytes[0] === DW_OP_regx && bytes.length >= 2) {
    let v = 0;
    let shift = 0;
    for (let i = 1; i < bytes.length; i++) {
      v |= (bytes[i]! & 0x7f) << shift;
      shift += 7;
      if ((bytes[i]! & 0x80) === 0) return i === bytes.length - 1 ? v : undefined;
    }
  }
  return undefined;
}
