// A DebugClient connected to a real `node bin/persona dap` over stdio (the adapter takes the `dap`
// argument, which DebugClient.start cannot pass, so the process is spawned here).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { LineIndex } from '../../debug-adapter/symbols/line-index';
import { readLineTables } from '../../debug-adapter/symbols/line-tables';
import { PERSONA, ROOT, guest } from '../helpers/project';

/** DebugClient with its stream hook-up public: the adapter here is spawned by the test. */
class StdioDebugClient extends DebugClient {
  attachStreams(from: Readable, to: Writable): void {
    this.connect(from, to);
  }
}

export interface Adapter {
  dc: DebugClient;
  /** Resolves once the stdout output events so far contain `text` (DebugClient.assertOutput wants it as a prefix). */
  output: (text: string) => Promise<void>;
  stderr: () => string;
  /** Disconnects (the adapter then exits by itself) and kills it if it has not after a while. */
  close: () => Promise<void>;
}

export async function startAdapter(): Promise<Adapter> {
  const proc: ChildProcess = spawn(process.execPath, [PERSONA, 'dap'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const dc = new StdioDebugClient(process.execPath, PERSONA, 'persona');
  dc.defaultTimeout = 20_000;
  dc.attachStreams(proc.stdout!, proc.stdin!);
  let stdout = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => {
    if (e.body.category !== 'stdout') return;
    stdout += e.body.output;
    for (const w of waiting.splice(0)) if (stdout.includes(w.text)) w.resolve(); else waiting.push(w);
  });
  const output = (text: string): Promise<void> => new Promise((resolve) => {
    if (stdout.includes(text)) resolve();
    else waiting.push({ text, resolve });
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    dc,
    output,
    stderr: () => err,
    close: async () => {
      await dc.disconnectRequest({}).catch(() => undefined);
      const timer = setTimeout(() => proc.kill(), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const HELLO = guest('hello');
export const HELLO_MAIN_C = join(ROOT, 'examples', 'hello', 'main.c');

/** The 1-based line of `main.c` holding `text`, checked to have code in hello.elf's line table. */
export function helloLine(text: string): number {
  const line = readFileSync(HELLO_MAIN_C, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
  if (line === 0) throw new Error(`no line with ${text} in ${HELLO_MAIN_C}`);
  const index = new LineIndex(readLineTables(readFileSync(HELLO), HELLO));
  if (index.addressesForLine('hello/main.c', line).length === 0) throw new Error(`line ${line} has no code in ${HELLO}`);
  return line;
}

export async function topFrame(dc: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId });
  const top = st.body.stackFrames[0];
  if (!top) throw new Error('no stack frames');
  return top;
}

/** initialize → launch (waits for `initialized`). */
export async function launch(dc: DebugClient, args: Record<string, unknown>): Promise<void> {
  await dc.initializeRequest();
  await Promise.all([dc.waitForEvent('initialized'), dc.launchRequest(args as DebugProtocol.LaunchRequestArguments)]);
}
