// The DAP session: one method per request, each a thin translation into PersonaDebugger verbs, and
// one place (the constructor) that turns the debugger's events into DAP events. Thread ids are the
// debugger's (one per persona vCPU, stable for the session); frame ids and register-scope
// references live until the guest runs again. The custom events and requests of the Persona DAP
// contract (docs/debugging.md) are here too: one method per custom request.

import { basename } from 'node:path';
import { CapabilitiesEvent, DebugSession, Event, ExitedEvent, InitializedEvent, InvalidatedEvent, MemoryEvent, OutputEvent, Scope, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebuggerError } from '../debugger/errors';
import { PersonaDebugger, type Granularity, type StepKind } from '../debugger/debugger';
import { hex64 } from '../debugger/registers';
import { parseAddress, type AddressBreakpointResult } from '../debugger/instruction-breakpoints';
import { EXCEPTION_FILTERS } from '../debugger/exception-filters';
import { DATA_ACCESS_TYPES } from '../debugger/data-breakpoints';
import { consoleInput, snapshot, traceExport } from '../debugger/device-requests';
import { TrapFeed } from '../debugger/trap-feed';
import { isConsoleCommand, runConsoleCommand } from '../debugger/console-commands';
import { ExpressionError } from '../debugger/expression-eval';
import { FrameInspector } from '../debugger/frame-inspector';
import { ValueError } from '../debugger/typed-value';
import { FrameTable } from './frame-table';
import { VariableStore } from './variable-store';
import { TrapEvents } from './trap-events';
import { CONSOLE_INPUT_REQUEST, LIST_REQUEST, SNAPSHOT_REQUEST, STATE_EVENT, TRACE_EXPORT_REQUEST } from './contract';
import { checkLaunchArguments } from './launch-arguments';

/** Error response ids: 1 for a user error (bad program, wrong state), 2 for a bug of ours. */
const USER_ERROR = 1;
const INTERNAL_ERROR = 2;

export class PersonaSession extends DebugSession {
  private readonly debugger = new PersonaDebugger();
  private readonly frames = new FrameTable();
  private readonly variables = new VariableStore();
  private readonly inspectors = new Map<number, FrameInspector>();
  private stopOnEntry = false;
  private clientMemoryReferences = false;
  private deterministic = false;
  private traps: TrapEvents | undefined;
  /** Custom requests of the contract, by command: one method each. */
  private readonly custom: Record<string, (response: DebugProtocol.Response, args: Record<string, unknown>) => void> = {
    [CONSOLE_INPUT_REQUEST]: (r, a) => this.personaConsoleInputRequest(r, a),
    [LIST_REQUEST]: (r) => this.personaListRequest(r),
    [SNAPSHOT_REQUEST]: (r, a) => this.personaSnapshotRequest(r, a),
    [TRACE_EXPORT_REQUEST]: (r, a) => this.personaTraceExportRequest(r, a),
  };

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.debugger.on('stopped', (s) => {
      this.traps?.stopped(); // the trap view is current when the editor shows the stop
      const e: DebugProtocol.StoppedEvent = new StoppedEvent(s.reason, s.threadId, s.trap);
      e.body.allThreadsStopped = true;
      e.body.description = s.description;
      this.sendEvent(e);
    });
    this.debugger.on('output', (text, category, persona) => {
      const e: DebugProtocol.OutputEvent = new OutputEvent(text, category);
      if (persona !== undefined) e.body.data = { persona };
      this.sendEvent(e);
    });
    this.debugger.on('personaState', (personas) => {
      if (personas.some((p) => p.state === 'running')) this.traps?.running();
      this.sendEvent(new Event(STATE_EVENT, { personas: personas.map((p) => ({ name: p.name, state: p.state, vcpus: p.vcpus, exitCode: p.exitCode })) }));
    });
    this.debugger.on('exited', (e) => {
      this.traps?.stopped();
      if (e.code !== 0) this.sendEvent(new OutputEvent(`persona: the guest ended: ${e.reason}\n`, 'console'));
      this.sendEvent(new ExitedEvent(e.code));
      this.sendEvent(new TerminatedEvent());
    });
  }

  /** Runs `body`; a thrown error becomes the request's error response (a guest never kills the adapter). */
  private guard(response: DebugProtocol.Response, body: () => void): void {
    try {
      body();
    } catch (e) {
      const user = e instanceof DebuggerError || e instanceof ExpressionError || e instanceof ValueError;
      const text = e instanceof Error ? e.message : String(e);
      this.sendErrorResponse(response, { id: user ? USER_ERROR : INTERNAL_ERROR, format: user ? text : `internal error: ${text}`, showUser: true });
    }
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientMemoryReferences = args.supportsMemoryReferences === true;
    response.body = {
      ...response.body,
      supportsSetVariable: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsConfigurationDoneRequest: true,
      supportsSteppingGranularity: true,
      supportsInstructionBreakpoints: true,
      supportsFunctionBreakpoints: true,
      supportsDisassembleRequest: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsExceptionInfoRequest: true,
      supportsDataBreakpoints: true,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({
        filter: f.filter, label: f.label, description: f.description, default: false, supportsCondition: true,
        conditionDescription: 'e.g. id == 0x84000000, ec == 0x24, vcpu == 1, $persona == "work" (fields: id ec esr far pc vcpu el $persona)',
      })),
      supportsTerminateRequest: true,
      supportsSingleThreadExecutionRequests: true,
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): void {
    this.guard(response, () => {
      const a = checkLaunchArguments(args);
      this.debugger.launch({ manifest: a.manifest, program: a.program, resume: a.resume, cwd: a.cwd, deterministic: a.deterministic, cpus: a.cpus });
      this.stopOnEntry = a.stopOnEntry ?? false;
      this.deterministic = a.deterministic ?? false;
      this.traps = new TrapEvents(new TrapFeed(() => this.debugger.feedPersonas(), (id) => this.debugger.channelName(id)), (e) => this.sendEvent(e));
      this.sendResponse(response);
      // The personas are known now: breakpoints may name one (DAP breakpoint modes).
      this.sendEvent(new CapabilitiesEvent({ breakpointModes: this.debugger.breakpointModes() }));
      this.sendEvent(new InitializedEvent()); // ready for breakpoints now that the program's lines are known
    });
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => {
      const path = args.source.path;
      if (path === undefined) throw new DebuggerError('setBreakpoints: only sources with a path are supported');
      const requests = (args.breakpoints ?? []).map((b) => ({
        line: this.convertClientLineToDebugger(b.line), mode: b.mode, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage,
      }));
      const results = this.debugger.setSourceBreakpoints(this.convertClientPathToDebugger(path), requests);
      response.body = {
        breakpoints: results.map((r) => ({ verified: r.verified, line: this.convertDebuggerLineToClient(r.line), source: args.source, message: r.message })),
      };
      this.sendResponse(response);
    });
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.guard(response, () => {
      const results = this.debugger.setInstructionBreakpoints(args.breakpoints);
      response.body = { breakpoints: results.map((r) => this.addressBreakpoint(r)) };
      this.sendResponse(response);
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => {
      const results = this.debugger.setFunctionBreakpoints(args.breakpoints);
      response.body = { breakpoints: results.map((r) => this.addressBreakpoint(r)) };
      this.sendResponse(response);
    });
  }

  private addressBreakpoint(r: AddressBreakpointResult): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = { verified: r.verified, message: r.message };
    if (r.address !== undefined) bp.instructionReference = hex64(r.address);
    if (r.location) {
      bp.source = new Source(basename(r.location.file), this.convertDebuggerPathToClient(r.location.file));
      bp.line = this.convertDebuggerLineToClient(r.location.line);
    }
    return bp;
  }

  /**
   * A variable from the Variables view (a child of `variablesReference`): a global is watched by its
   * DWARF name (its type's size). Locals and members are not yet (give their address instead).
   */
  private variableDataBreakpoint(args: DebugProtocol.DataBreakpointInfoArguments): ReturnType<PersonaDebugger['dataBreakpointInfo']> | undefined {
    if (args.variablesReference === undefined || args.variablesReference === 0) return undefined;
    const container = this.variables.get(args.variablesReference);
    if (!container) throw new DebuggerError(`dataBreakpointInfo: reference ${args.variablesReference} is gone (the guest ran since)`);
    const child = container.children?.().find((c) => c.name === args.name);
    if (!child) return { description: `no variable "${args.name}" there` };
    const global = child.evaluateName === args.name ? this.debugger.dataBreakpointInfo(args.name, false, args.bytes) : undefined;
    if (global?.dataId !== undefined) return global;
    return { description: `${child.evaluateName ?? args.name}: data breakpoints take globals and addresses (use its address with "asAddress")` };
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => {
      const info = this.variableDataBreakpoint(args) ?? this.debugger.dataBreakpointInfo(args.name, args.asAddress ?? false, args.bytes);
      response.body = info.dataId === undefined
        ? { dataId: null, description: info.description }
        : { dataId: info.dataId, description: info.description, accessTypes: [...DATA_ACCESS_TYPES], canPersist: false };
      this.sendResponse(response);
    });
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => {
      const results = this.debugger.setDataBreakpoints(args.breakpoints);
      response.body = { breakpoints: results.map((r) => ({ verified: r.verified, message: r.message })) };
      this.sendResponse(response);
    });
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.guard(response, () => {
      const options = args.filterOptions ?? [];
      const plain = args.filters.filter((id) => !options.some((o) => o.filterId === id)).map((filterId) => ({ filterId }));
      const results = this.debugger.setExceptionFilters([...plain, ...options]);
      response.body = { breakpoints: results.map((r) => ({ verified: r.verified, message: r.message })) };
      this.sendResponse(response);
    });
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    this.guard(response, () => {
      const info = this.debugger.exceptionInfo(args.threadId);
      response.body = {
        exceptionId: info.exceptionId, description: info.description, breakMode: 'always',
        details: { typeName: info.typeName, message: info.message },
      };
      this.sendResponse(response);
    });
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.guard(response, () => {
      const base = this.memoryReference('disassemble', args.memoryReference) + BigInt(args.offset ?? 0);
      const rows = this.debugger.disassemble(base, args.instructionOffset ?? 0, args.instructionCount);
      response.body = {
        instructions: rows.map((r) => {
          const insn: DebugProtocol.DisassembledInstruction = { address: hex64(r.address), instruction: r.instruction };
          if (r.bytes !== undefined) insn.instructionBytes = r.bytes;
          else insn.presentationHint = 'invalid';
          if (r.symbol !== undefined) insn.symbol = r.symbol;
          if (r.location) {
            insn.location = new Source(basename(r.location.file), this.convertDebuggerPathToClient(r.location.file));
            insn.line = this.convertDebuggerLineToClient(r.location.line);
            if (r.location.column > 0) insn.column = this.convertDebuggerColumnToClient(r.location.column);
          }
          return insn;
        }),
      };
      this.sendResponse(response);
    });
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      const address = BigInt.asUintN(64, this.memoryReference('readMemory', args.memoryReference) + BigInt(args.offset ?? 0));
      const r = this.debugger.readMemory(address, args.count);
      response.body = { address: hex64(r.address), data: Buffer.from(r.data).toString('base64') };
      if (r.unreadableBytes > 0) response.body.unreadableBytes = r.unreadableBytes;
      this.sendResponse(response);
    });
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.guard(response, () => {
      const offset = args.offset ?? 0;
      const address = BigInt.asUintN(64, this.memoryReference('writeMemory', args.memoryReference) + BigInt(offset));
      const data = Buffer.from(args.data, 'base64');
      const written = this.debugger.writeMemory(address, data, args.allowPartial ?? false);
      response.body = { bytesWritten: written };
      this.sendResponse(response);
      if (written > 0) {
        this.sendEvent(new MemoryEvent(args.memoryReference, offset, written));
        this.sendEvent(new InvalidatedEvent(['variables']));
      }
    });
  }

  /** A memoryReference is a guest virtual address as hex (`0x…`, as the adapter hands them out) or decimal. */
  private memoryReference(what: string, ref: string): bigint {
    const a = parseAddress(ref);
    if (a === undefined) throw new DebuggerError(`${what}: memoryReference "${ref}" is not an address (0x… or decimal)`);
    return a;
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.guard(response, () => {
      this.debugger.start(this.stopOnEntry);
      this.sendResponse(response);
    });
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.debugger.threads().map((t) => new Thread(t.id, t.name)) };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.resume(response, () => this.debugger.continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, args, 'over');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, args, 'in');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.step(response, args, 'out');
  }

  private step(response: DebugProtocol.Response, args: { threadId: number; granularity?: DebugProtocol.SteppingGranularity; singleThread?: boolean }, kind: StepKind): void {
    const granularity: Granularity = args.granularity === 'instruction' ? 'instruction' : 'line';
    this.resume(response, () => this.debugger.step(args.threadId, kind, granularity, args.singleThread ?? false));
  }

  /** The verb runs the guest: frame ids die, the response goes out, the stop comes later as an event. */
  private resume(response: DebugProtocol.Response, verb: () => void): void {
    this.guard(response, () => {
      verb();
      this.frames.clear();
      this.variables.clear();
      this.inspectors.clear();
      this.sendResponse(response);
    });
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.debugger.pause();
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      const all = this.debugger.stackFrames(args.threadId);
      const start = args.startFrame ?? 0;
      const end = args.levels ? start + args.levels : all.length;
      const stackFrames = all.slice(start, end).map((f, i) => {
        const id = this.frames.add(args.threadId, start + i, f);
        const loc = f.location;
        const source = loc ? new Source(basename(loc.file), this.convertDebuggerPathToClient(loc.file)) : undefined;
        const sf: DebugProtocol.StackFrame = new StackFrame(id, f.name, source, loc ? this.convertDebuggerLineToClient(loc.line) : 0, loc ? this.convertDebuggerColumnToClient(Math.max(1, loc.column)) : 0);
        sf.instructionPointerReference = hex64(f.pc);
        if (f.exception) sf.presentationHint = 'label';
        else if (!loc) sf.presentationHint = 'subtle';
        return sf;
      });
      response.body = { stackFrames, totalFrames: all.length };
      this.sendResponse(response);
    });
  }

  /** The frame's inspector (one per frame id and stop: variable references close over it). */
  private inspector(frameId: number, what: string): FrameInspector {
    let inspector = this.inspectors.get(frameId);
    if (inspector) return inspector;
    const entry = this.frames.get(frameId);
    if (!entry) throw new DebuggerError(`${what}: frame ${frameId} is gone (the guest ran since)`);
    inspector = new FrameInspector(this.debugger.stoppedVcpu(entry.threadId, what), entry.index);
    this.inspectors.set(frameId, inspector);
    return inspector;
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      const scopes = this.inspector(args.frameId, 'scopes').scopes().map((sc) => {
        const scope: DebugProtocol.Scope = new Scope(sc.name, this.variables.add({ name: sc.name, value: '', children: sc.nodes }), sc.expensive);
        if (sc.presentationHint) scope.presentationHint = sc.presentationHint;
        return scope;
      });
      response.body = { scopes };
      this.sendResponse(response);
    });
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      const node = this.variables.get(args.variablesReference);
      if (!node) throw new DebuggerError(`variables: reference ${args.variablesReference} is gone (the guest ran since)`);
      response.body = { variables: this.variables.children(node, args).map((v) => this.withMemoryReference(v)) };
      this.sendResponse(response);
    });
  }

  /** memoryReference only for clients that said they take them. */
  private withMemoryReference<T extends { memoryReference?: string }>(v: T): T {
    if (!this.clientMemoryReferences) delete v.memoryReference;
    return v;
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      const container = this.variables.get(args.variablesReference);
      if (!container) throw new DebuggerError(`setVariable: reference ${args.variablesReference} is gone (the guest ran since)`);
      const index = /^\[(-?\d+)\]$/.exec(args.name);
      const candidates = index && container.indexed ? container.indexed.page(Number(index[1]), 1) : container.children?.() ?? [];
      const target = candidates.find((n) => n.name === args.name);
      if (!target) throw new DebuggerError(`setVariable: no variable '${args.name}' here`);
      if (!target.set) throw new DebuggerError(`setVariable: '${args.name}' cannot be changed`);
      const v = this.withMemoryReference(this.variables.variable(target.set(args.value)));
      response.body = { value: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference };
      this.sendResponse(response);
    });
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const frameId = args.frameId ?? this.topFrameId();
      if (args.context === 'repl' && isConsoleCommand(args.expression)) {
        const inspector = frameId === undefined ? undefined : this.inspector(frameId, 'evaluate');
        const text = runConsoleCommand(args.expression, {
          personas: () => this.debugger.consolePersonas(),
          memory: inspector?.values.memory,
          evaluate: (e) => {
            if (!inspector) throw new ExpressionError('the guest is running (pause it first)');
            return inspector.nodes.evaluate(e);
          },
        });
        response.body = { result: text, variablesReference: 0 };
        this.sendResponse(response);
        return;
      }
      if (frameId === undefined) throw new DebuggerError('evaluate: the guest is not stopped');
      const v = this.withMemoryReference(this.variables.variable(this.inspector(frameId, 'evaluate').evaluate(args.expression)));
      response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference, indexedVariables: v.indexedVariables, memoryReference: v.memoryReference };
      this.sendResponse(response);
    });
  }

  /** A frame for an evaluate without one (the console before a stack was asked for): the first thread's top frame. */
  private topFrameId(): number | undefined {
    if (this.debugger.running) return undefined;
    try {
      const threadId = this.debugger.threads()[0]?.id;
      const frames = threadId === undefined ? [] : this.debugger.stackFrames(threadId);
      return threadId !== undefined && frames[0] ? this.frames.add(threadId, 0, frames[0]) : undefined;
    } catch (e) {
      if (e instanceof DebuggerError) return undefined;
      throw e;
    }
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const handler = this.custom[command];
    if (!handler) {
      this.sendErrorResponse(response, { id: USER_ERROR, format: `unknown request "${command}"`, showUser: false });
      return;
    }
    handler(response, typeof args === 'object' && args !== null ? args as Record<string, unknown> : {});
  }

  private personaConsoleInputRequest(response: DebugProtocol.Response, args: Record<string, unknown>): void {
    this.guard(response, () => {
      consoleInput(this.debugger.requestPersonas(CONSOLE_INPUT_REQUEST), args.persona, args.text);
      this.sendResponse(response);
    });
  }

  private personaListRequest(response: DebugProtocol.Response): void {
    response.body = { personas: this.debugger.personaStates().map((p) => ({ name: p.name, state: p.state, vcpus: p.vcpus, image: p.image })) };
    this.sendResponse(response);
  }

  private personaSnapshotRequest(response: DebugProtocol.Response, args: Record<string, unknown>): void {
    this.guardAsync(response, async () => {
      response.body = await snapshot(this.debugger.requestPersonas(SNAPSHOT_REQUEST), args.persona, args.file, this.deterministic);
    });
  }

  private personaTraceExportRequest(response: DebugProtocol.Response, args: Record<string, unknown>): void {
    this.guardAsync(response, async () => {
      response.body = await traceExport(this.debugger.requestPersonas(TRACE_EXPORT_REQUEST), args.file, (id) => this.debugger.channelName(id));
    });
  }

  /** `guard` for a request answered later: a rejection becomes the error response. */
  private guardAsync(response: DebugProtocol.Response, body: () => Promise<void>): void {
    body().then(() => this.sendResponse(response), (e: unknown) => this.guard(response, () => { throw e; }));
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.traps?.dispose();
    this.debugger.terminate();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments, request?: DebugProtocol.Request): void {
    this.traps?.dispose();
    this.debugger.terminate();
    super.disconnectRequest(response, args, request);
  }
}
