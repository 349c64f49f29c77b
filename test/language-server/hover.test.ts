// Hover over LSP: instruction summaries with Persona's trap behaviour, system registers (fields,
// reset value, trap/UNDEFINED under Persona), and hvc/smc with the function id named.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient, positionOf, WORKSPACE } from './lsp-client';

let client: LspClient;
before(async () => { client = await LspClient.start(WORKSPACE); });
after(async () => { await client.stop(); });

async function hoverText(file: string, needle: string, o: { nth?: number; offset?: number } = {}): Promise<string> {
  const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(file) }, position: positionOf(WORKSPACE, file, needle, { offset: 1, ...o }) });
  return h ? (h.contents as MarkupContent).value : '';
}

test('instruction summary', async () => {
  const text = await hoverText('boot.S', '\tadrp', { offset: 2 });
  assert.match(text, /\*\*adrp\*\* — PC-relative address of a 4 KiB page/);
  assert.doesNotMatch(text, /Under Persona/);
});

test('WFI traps to the hypervisor (HCR_EL2.TWI)', async () => {
  const text = await hoverText('boot.S', 'wfi');
  assert.match(text, /Under Persona: traps to the hypervisor \(HCR_EL2\.TWI, bit 13\)/);
});

test('directive summary', async () => {
  assert.match(await hoverText('vectors.S', '.balign', { offset: 2 }), /\*\*\.balign\*\* — align to a number of bytes/);
});

test('system register: fields, reset value, runs natively', async () => {
  const text = await hoverText('boot.S', 'VBAR_EL1');
  assert.match(text, /\*\*VBAR_EL1\*\* — Vector base/);
  assert.match(text, /`S3_0_C12_C0_0` \(op0=3, op1=0, CRn=12, CRm=0, op2=0\) · 64-bit · read\/write/);
  assert.match(text, /\| 63:11 \| VBA \| vector base address \|/);
  assert.match(text, /Reset: UNKNOWN/);
  assert.match(text, /Under Persona: runs natively/);
});

test('system register: reset value as QEMU cortex-a72 / Persona', async () => {
  const mpidr = await hoverText('boot.S', 'MPIDR_EL1');
  assert.match(mpidr, /Reset: `0x80000000` \(as Persona sets it\)/);
  assert.match(mpidr, /read-only/);
  const cntfrq = await hoverText('boot.S', 'CNTFRQ_EL0');
  assert.match(cntfrq, /Reset: `0x3b9aca0`/);
});

test('timer register: traps to the hypervisor (generic timer emulation)', async () => {
  const text = await hoverText('boot.S', 'CNTV_CTL_EL0');
  assert.match(text, /Under Persona: traps to the hypervisor: Persona emulates the generic timer/);
  assert.match(text, /\| 2 \| ISTATUS \|/);
});

test('GICv3 system register: UNDEFINED on the GICv2 board', async () => {
  assert.match(await hoverText('vectors.S', 'ICC_IAR1_EL1'), /UNDEFINED from the guest: Persona's board has a GICv2/);
});

test('hvc: function id from movz/movk, named from the hypercall table', async () => {
  const text = await hoverText('hypercalls.S', 'hvc', { nth: 0 });
  assert.match(text, /Under Persona: traps to the hypervisor \(EC 0x16\)/);
  assert.match(text, /Function id \(w0, set at line 5\): `0xc4000003` \*\*PSCI_CPU_ON64\*\*/);
  assert.match(text, /x1: /);
});

test('smc: function id from an .equ constant', async () => {
  assert.match(await hoverText('hypercalls.S', '\tsmc', { offset: 2 }), /`0x80000000` \*\*SMCCC_VERSION\*\*/);
});

test('hvc: function id from ldr = with a #define from a header', async () => {
  assert.match(await hoverText('hypercalls.S', 'hvc', { nth: 1 }), /`0x84000000` \*\*PSCI_VERSION\*\*/);
  assert.match(await hoverText('boot.S', 'hvc'), /`0x84000008` \*\*PSCI_SYSTEM_OFF\*\*/);
});

test('hvc: a Persona ABI call from a constant expression', async () => {
  const text = await hoverText('hypercalls.S', 'hvc', { nth: 4 });
  assert.match(text, /`0xc6000001` \*\*PERSONA_WHOAMI\*\*/);
  assert.match(text, /Persona: /);
});

test('hvc: an id the hypervisor does not answer', async () => {
  assert.match(await hoverText('hypercalls.S', 'hvc', { nth: 2 }), /`0x82000042` unknown id: answers NOT_SUPPORTED \(SiP service, fast call, SMC32\)/);
});

test('hvc: w0 computed at run time', async () => {
  assert.match(await hoverText('hypercalls.S', 'hvc', { nth: 3 }), /Function id: unknown \(w0 is computed by `add` at line 26\)/);
});

test('symbol: a linker-script symbol and a #define', async () => {
  assert.match(await hoverText('boot.S', '__bss_start'), /linker-script symbol, defined in kernel\.ld:15: `\.`/);
  assert.match(await hoverText('boot.S', 'PSCI_SYSTEM_OFF'), /#define, defined in psci\.h:5: `0x84000008`/);
});
