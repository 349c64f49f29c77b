// Diagnostics for an open assembly file: one check per concern, each a small function over the
// file's facts and the workspace index. Checks read tables; nothing here knows LSP transport.
import { basename } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { PSTATE_IMMEDIATE_FIELDS, genericSysregEncoding, sysregByName } from '../../emulator/arch/aarch64/sysregs/table';
import type { Word } from '../parse/asm-lexer';
import type { AsmFacts } from '../parse/facts';
import { mnemonic } from '../tables/mnemonics';
import type { WorkspaceIndex } from '../workspace/index';
import { rangeOf } from './locate';

export interface CheckOptions {
  /** The file is A64 (not ARM32/Thumb): the mnemonic table applies. */
  a64: boolean;
}

type Check = (f: AsmFacts, index: WorkspaceIndex, o: CheckOptions) => Diagnostic[];

const diag = (word: Word, severity: DiagnosticSeverity, code: string, message: string): Diagnostic => ({
  range: rangeOf(word), severity, code, source: 'persona', message,
});

const unknownMnemonic: Check = (f, index, o) => {
  if (!o.a64) return [];
  const defines = new Set(f.defs.filter((d) => d.kind === 'define' || d.kind === 'constant').map((d) => d.name));
  const out: Diagnostic[] = [];
  for (const st of f.statements) {
    const op = st.op;
    if (!op || st.assignment || st.opCall || op.text.startsWith('.') || op.text.includes('\\')) continue;
    if (mnemonic(op.text) || index.macros().has(op.text.toLowerCase()) || defines.has(op.text)) continue;
    if (index.definitions(op.text).some((d) => d.kind === 'define')) continue; // a cpp macro from a header
    out.push(diag(op, DiagnosticSeverity.Error, 'unknown-mnemonic', `unknown mnemonic "${op.text}": not an A64 instruction, nor a macro in the workspace`));
  }
  return out;
};

const undefinedLabel: Check = (f, index) => {
  const out: Diagnostic[] = [];
  for (const r of f.refs) {
    if (!r.address || f.externs.has(r.name) || index.definitions(r.name).length > 0) continue;
    out.push(diag(r.word, DiagnosticSeverity.Warning, 'undefined-label',
      `"${r.name}" is not defined in the workspace's assembly files or linker scripts (if it comes from C or a library, declare it with .extern)`));
  }
  return out;
};

const sysregAccess: Check = (f) => {
  const out: Diagnostic[] = [];
  for (const use of f.sysregs) {
    const name = use.word.text;
    if (name.includes('\\')) continue;
    const spec = sysregByName(name);
    if (!spec) {
      if (genericSysregEncoding(name) || (use.write && PSTATE_IMMEDIATE_FIELDS.has(name.toUpperCase()))) continue;
      out.push(diag(use.word, DiagnosticSeverity.Error, 'unknown-sysreg', `unknown system register "${name}" (not in Persona's table; spell unlisted registers as S<op0>_<op1>_C<n>_C<m>_<op2>)`));
    } else if (use.write && spec.access === 'ro') {
      out.push(diag(use.word, DiagnosticSeverity.Error, 'read-only-sysreg', `${spec.name} is read-only: an MSR to it is UNDEFINED`));
    } else if (!use.write && spec.access === 'wo') {
      out.push(diag(use.word, DiagnosticSeverity.Error, 'write-only-sysreg', `${spec.name} is write-only: an MRS from it is UNDEFINED`));
    }
  }
  return out;
};

/** Sections every toolchain emits or ld treats specially: not for the script to place. */
const IMPLICIT_SECTIONS = /^\.(note\.GNU-stack|comment|debug|ARM\.attributes|gnu\.attributes)/;

const unplacedSection: Check = (f, index) => {
  const out: Diagnostic[] = [];
  for (const s of f.sections) {
    if (!s.named || IMPLICIT_SECTIONS.test(s.name) || s.name.includes('\\') || index.sectionPlaced(s.name) !== false) continue;
    const scripts = index.linkerScripts().map((l) => basename(l.uri)).join(', ');
    out.push(diag(s.word, DiagnosticSeverity.Warning, 'unplaced-section', `section "${s.name}" is not placed by ${scripts}: ld will put it wherever orphan sections go`));
  }
  return out;
};

const CHECKS: readonly Check[] = [unknownMnemonic, undefinedLabel, sysregAccess, unplacedSection];

export function diagnose(f: AsmFacts, index: WorkspaceIndex, o: CheckOptions): Diagnostic[] {
  return CHECKS.flatMap((c) => c(f, index, o));
}
