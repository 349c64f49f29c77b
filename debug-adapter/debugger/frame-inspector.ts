// Everything the variable views, watches, hovers and the debug console see of one frame of a
// stopped vCPU: its scopes (arguments, locals, this unit's globals, registers, FP/SIMD, system
// registers) as variable nodes, and expressions evaluated in it. DAP-free: the session turns the
// nodes into variables and references.

import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import type { Persona } from '../../emulator/hypervisor/persona';
import { decodeEsr } from '../../emulator/arch/aarch64/syndrome';
import { frameFromRegisters } from '../symbols/unwind';
import { exceptionEntry, unwindWithExceptions } from './exception-frames';
import { DebuggerError } from './errors';
import type { ExpressionEnvironment } from './expression-eval';
import { frameViews } from './frame-locations';
import { FrameValues, type NamedValue } from './frame-values';
import { vcpuMemory } from './guest-memory';
import type { ProgramSymbols } from './program-symbols';
import { RegisterFile } from './register-file';
import { RegisterViews } from './register-views';
import { liveRegisters } from './registers';
import { TypedNodes, type VariableNode } from './variable-nodes';

export interface StoppedVcpu {
  persona: Persona;
  vcpu: Vcpu;
  symbols: ProgramSymbols;
}

export interface ScopeInfo {
  name: string;
  presentationHint?: 'arguments' | 'locals' | 'registers';
  /** Costly to fetch: the client asks only when the user expands it. */
  expensive: boolean;
  nodes: () => VariableNode[];
}

const MAX_FRAMES = 64;

export class FrameInspector {
  readonly values: FrameValues;
  readonly nodes: TypedNodes;
  readonly registers: RegisterViews;
  private readonly env: ExpressionEnvironment;

  constructor(readonly stopped: StoppedVcpu, frameIndex: number) {
    const { vcpu, persona, symbols } = stopped;
    const memory = vcpuMemory(vcpu, persona.vcpus);
    // The same frames as the call stack (stack.ts), exception entries included, so frame indexes agree.
    const frames = unwindWithExceptions(frameFromRegisters(liveRegisters(vcpu)), exceptionEntry(vcpu), (a, n) => memory.read(a, n), symbols.cfi, MAX_FRAMES);
    const view = frameViews(frames, symbols, vcpu)[frameIndex];
    if (!view) throw new DebuggerError(`frame ${frameIndex} does not exist (the stack has ${frames.length})`);
    const regs = new RegisterFile(vcpu);
    this.values = new FrameValues(symbols, memory, view, regs, persona.name);
    this.env = this.values.environment();
    this.nodes = new TypedNodes(this.values.view, this.env);
    this.registers = new RegisterViews(regs, this.values, this.nodes);
  }

  environment(): ExpressionEnvironment {
    return this.env;
  }

  scopes(): ScopeInfo[] {
    const named = (list: () => NamedValue[]) => () => list().map((v) => this.nodes.node(v.name, v.value, v.name));
    const scopes: ScopeInfo[] = [];
    const x = this.values.frame.exception;
    if (x) {
      const hex = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;
      const esr = decodeEsr(x.esr);
      scopes.push({
        name: 'Exception entry', presentationHint: 'registers', expensive: false,
        nodes: () => [
          { name: 'ESR_EL1', value: hex(BigInt(x.esr)), type: `EC 0x${esr.ec.toString(16)}: ${esr.ecName}`, children: () => esr.fields.map((f) => ({ name: f.name, value: `${f.value} (0x${f.value.toString(16)})${f.meaning ? ` ${f.meaning}` : ''}` })) },
          { name: 'ELR_EL1', value: hex(x.elr) },
          { name: 'SPSR_EL1', value: hex(x.spsr) },
          ...(x.far === undefined ? [] : [{ name: 'FAR_EL1', value: hex(x.far) }]),
          { name: 'sp (interrupted)', value: hex(x.interruptedSp) },
        ],
      });
      scopes.push({ name: 'System registers', presentationHint: 'registers', expensive: true, nodes: () => this.registers.system() });
      return scopes;
    }
    if (this.values.frame.fn) {
      scopes.push({ name: 'Arguments', presentationHint: 'arguments', expensive: false, nodes: named(() => this.values.arguments()) });
      scopes.push({ name: 'Locals', presentationHint: 'locals', expensive: false, nodes: named(() => this.values.locals()) });
    }
    if (this.stopped.symbols.info) scopes.push({ name: 'Globals', expensive: true, nodes: named(() => this.values.unitGlobals()) });
    const registers = this.values.frame.approximate ? 'Registers (approximate: below an exception entry)' : 'Registers';
    scopes.push({ name: registers, presentationHint: 'registers', expensive: false, nodes: () => this.registers.general() });
    scopes.push({ name: 'FP/SIMD', presentationHint: 'registers', expensive: true, nodes: () => this.registers.simd() });
    scopes.push({ name: 'System registers', presentationHint: 'registers', expensive: true, nodes: () => this.registers.system() });
    return scopes;
  }

  /** An expression's value as a node (expandable when typed); errors are ExpressionErrors and ValueErrors. */
  evaluate(text: string): VariableNode {
    return this.nodes.valueNode(text.trim(), this.nodes.evaluate(text), text.trim());
  }
}
