// The language client's trace channel. vscode-languageclient 11 traces LSP traffic only while its
// trace channel's log level is Trace, and writes each line with `trace()`: with a plain log channel
// the user would have to find "Set Log Level" to see anything. This channel takes its level from
// `persona.languageServer.trace` instead and writes into the server's output channel at info level,
// so a trace shows up as soon as the setting asks for one.
import { EventEmitter, LogLevel, type LogOutputChannel, type ViewColumn } from 'vscode';
import type { TraceSetting } from './settings';

export class TraceChannel implements LogOutputChannel {
  private level: LogLevel;
  private readonly levelChanged = new EventEmitter<LogLevel>();
  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor(private readonly out: LogOutputChannel, trace: TraceSetting) {
    this.level = levelFor(trace);
  }

  get name(): string {
    return this.out.name;
  }

  get logLevel(): LogLevel {
    return this.level;
  }

  /** Follows the setting; the client re-reads its trace level on the event. */
  setTrace(trace: TraceSetting): void {
    const level = levelFor(trace);
    if (level === this.level) return;
    this.level = level;
    this.levelChanged.fire(level);
  }

  trace(message: string, ...args: unknown[]): void {
    this.out.info(message, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.out.debug(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.out.info(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.out.warn(message, ...args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.out.error(error, ...args);
  }

  append(value: string): void {
    this.out.append(value);
  }

  appendLine(value: string): void {
    this.out.appendLine(value);
  }

  replace(value: string): void {
    this.out.replace(value);
  }

  clear(): void {
    this.out.clear();
  }

  show(preserveFocus?: boolean): void;
  show(column?: ViewColumn, preserveFocus?: boolean): void;
  show(columnOrPreserveFocus?: ViewColumn | boolean, preserveFocus?: boolean): void {
    this.out.show(typeof columnOrPreserveFocus === 'boolean' ? columnOrPreserveFocus : preserveFocus);
  }

  hide(): void {
    this.out.hide();
  }

  /** Leaves the output channel alone: it outlives this client. */
  dispose(): void {
    this.levelChanged.dispose();
  }
}

function levelFor(trace: TraceSetting): LogLevel {
  return trace === 'off' ? LogLevel.Info : LogLevel.Trace;
}
