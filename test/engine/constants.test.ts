// The checked constant table in emulator/engine/unicorn-constants.ts against the installed unicorn
// headers: a C program prints the real values and every entry must match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as C from '../../emulator/engine/unicorn-constants';
import { ROOT } from '../helpers/project';

const include = join(ROOT, '.native', 'root', 'usr', 'include');

const CHECKS: [string, number][] = [
  ['UC_ARCH_ARM', C.UC_ARCH_ARM], ['UC_ARCH_ARM64', C.UC_ARCH_ARM64], ['UC_MODE_ARM', C.UC_MODE_ARM],
  ['UC_CPU_ARM64_A72', C.UC_CPU_ARM64_A72], ['UC_PROT_ALL', C.UC_PROT_ALL],
  ['UC_HOOK_INTR', C.UC_HOOK_INTR], ['UC_HOOK_INSN', C.UC_HOOK_INSN], ['UC_HOOK_CODE', C.UC_HOOK_CODE],
  ['UC_HOOK_BLOCK', C.UC_HOOK_BLOCK], ['UC_HOOK_MEM_UNMAPPED', C.UC_HOOK_MEM_UNMAPPED], ['UC_HOOK_INSN_INVALID', C.UC_HOOK_INSN_INVALID],
  ['UC_MEM_READ_UNMAPPED', C.UC_MEM_READ_UNMAPPED], ['UC_MEM_WRITE_UNMAPPED', C.UC_MEM_WRITE_UNMAPPED], ['UC_MEM_FETCH_UNMAPPED', C.UC_MEM_FETCH_UNMAPPED],
  ['UC_ARM64_INS_MRS', C.UC_ARM64_INS_MRS], ['UC_ARM64_INS_MSR', C.UC_ARM64_INS_MSR], ['UC_ARM64_INS_SYS', C.UC_ARM64_INS_SYS],
  ['UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1)', C.UC_CTL_WRITE_CPU_MODEL], ['UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2)', C.UC_CTL_WRITE_TB_REMOVE_CACHE],
  ['UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0)', C.UC_CTL_WRITE_TB_FLUSH], ['UC_CTL_WRITE(UC_CTL_TLB_FLUSH, 0)', C.UC_CTL_WRITE_TLB_FLUSH],
  ['UC_CTL_WRITE(UC_CTL_TCG_BUFFER_SIZE, 1)', C.UC_CTL_WRITE_TCG_BUFFER_SIZE],
  ['UC_ERR_READ_UNMAPPED', C.UC_ERR_READ_UNMAPPED], ['UC_ERR_WRITE_UNMAPPED', C.UC_ERR_WRITE_UNMAPPED], ['UC_ERR_FETCH_UNMAPPED', C.UC_ERR_FETCH_UNMAPPED],
  ['UC_ERR_INSN_INVALID', C.UC_ERR_INSN_INVALID], ['UC_ERR_EXCEPTION', C.UC_ERR_EXCEPTION],
  ...Object.entries(C.A64).map(([k, v]): [string, number] => [`UC_ARM64_REG_${k}`, v]),
  ...Array.from({ length: 31 }, (_, n): [string, number] => [`UC_ARM64_REG_X${n}`, C.xReg(n)]),
];

test('unicorn constants match the installed headers', (t) => {
  if (!existsSync(join(include, 'unicorn', 'unicorn.h'))) {
    t.skip('unicorn headers are not in .native/ (PERSONA_LIBUNICORN users bring their own); run npm run setup');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'persona-uc-'));
  const lines = CHECKS.map(([expr]) => `  printf("%lld\\n", (long long)(${expr}));`);
  writeFileSync(join(dir, 'c.c'), `#include <stdio.h>\n#include <unicorn/unicorn.h>\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`);
  const cc = spawnSync('cc', [`-I${include}`, '-o', join(dir, 'c'), join(dir, 'c.c')], { encoding: 'utf8' });
  if (cc.status !== 0) {
    t.skip(`no C compiler: ${cc.stderr}`);
    return;
  }
  const out = spawnSync(join(dir, 'c'), { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
  CHECKS.forEach(([expr, ours], i) => assert.equal(ours, out[i], expr));
  // The error name table is indexed by uc_err.
  assert.equal(C.UC_ERR_NAMES[C.UC_ERR_EXCEPTION], 'EXCEPTION');
  assert.equal(C.UC_ERR_NAMES[C.UC_ERR_INSN_INVALID], 'INSN_INVALID');
});
