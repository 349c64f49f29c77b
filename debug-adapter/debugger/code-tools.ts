// What the debugger offers at the code and memory level of one launched program: disassembly,
// memory reads and writes, instruction and function breakpoints. The disassembler is opened on the
// first disassemble request (capstone is not needed to run or step).

import { A64Disassembler } from '../../emulator/engine/capstone';
import type { Vcpu } from '../../emulator/arch/aarch64/vcpu';
import { CodeSymbols } from './code-symbols';
import { disassemble, type DisassemblyRow } from './disassembly';
import { FunctionBreakpoints, InstructionBreakpoints, type AddressBreakpointResult } from './instruction-breakpoints';
import type { LaunchedProgram } from './launch';
import { readGuestMemory, writeGuestMemory, type MemoryRead } from './memory';

export class CodeTools {
  readonly symbols: CodeSymbols;
  readonly instructionBreakpoints = new InstructionBreakpoints();
  readonly functionBreakpoints: FunctionBreakpoints;
  private disassembler: A64Disassembler | undefined;

  constructor(private readonly program: LaunchedProgram) {
    this.symbols = new CodeSymbols(program.symbols, program.image.symbols);
    this.functionBreakpoints = new FunctionBreakpoints(this.symbols, (pc) => program.symbols.location(pc));
  }

  private readable(vcpu: Vcpu): (va: bigint) => boolean {
    return (va) => vcpu.guestBytes(va, 4) !== undefined;
  }

  setInstructionBreakpoints(vcpu: Vcpu, requests: readonly { instructionReference: string; offset?: number }[]): AddressBreakpointResult[] {
    return this.instructionBreakpoints.replace(requests, this.readable(vcpu));
  }

  setFunctionBreakpoints(vcpu: Vcpu, names: readonly string[]): AddressBreakpointResult[] {
    return this.functionBreakpoints.replace(names, this.readable(vcpu));
  }

  /** Every address an instruction or function breakpoint asks for. */
  addresses(): bigint[] {
    return [...this.instructionBreakpoints.addresses(), ...this.functionBreakpoints.addresses()];
  }

  /** The DAP stop reason for a breakpoint at `pc` that no source breakpoint claims. */
  reasonAt(pc: bigint): 'function breakpoint' | 'instruction breakpoint' | undefined {
    if (this.functionBreakpoints.has(pc)) return 'function breakpoint';
    if (this.instructionBreakpoints.has(pc)) return 'instruction breakpoint';
    return undefined;
  }

  disassemble(vcpu: Vcpu, address: bigint, instructionOffset: number, count: number): DisassemblyRow[] {
    this.disassembler ??= new A64Disassembler();
    return disassemble({
      read: (va, n) => vcpu.guestBytes(va, n),
      symbols: this.symbols,
      location: (pc) => this.program.symbols.location(pc),
      disassembler: this.disassembler,
    }, address, instructionOffset, count);
  }

  readMemory(vcpu: Vcpu, address: bigint, count: number): MemoryRead {
    return readGuestMemory(vcpu, address, count);
  }

  writeMemory(vcpu: Vcpu, address: bigint, data: Uint8Array, allowPartial: boolean): number {
    return writeGuestMemory(this.program.persona, vcpu, address, data, allowPartial);
  }
}
