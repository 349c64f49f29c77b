// A small fake of the VS Code API for unit tests of extension code (bundled in place of `vscode` by
// scripts/build.mjs for test files). It implements what the tested modules call, and records the
// calls that tests assert on in `fake`.
/* eslint-disable @typescript-eslint/no-unused-vars */

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export enum StatusBarAlignment { Left = 1, Right = 2 }
export enum ViewColumn { Active = -1, Beside = -2, One = 1 }
export enum DebugConfigurationProviderTriggerKind { Initial = 1, Dynamic = 2 }

export class ThemeIcon {
  constructor(readonly id: string) {}
}

export class TreeItem {
  description?: string;
  tooltip?: string;
  iconPath?: unknown;
  contextValue?: string;
  id?: string;
  command?: { command: string; title: string; arguments?: unknown[] };
  constructor(readonly label: string, readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}

export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string, readonly path: string) {}
  static file(p: string): Uri {
    return new Uri('file', p, p);
  }
  static from(c: { scheme: string; path: string }): Uri {
    return new Uri(c.scheme, c.path, c.path);
  }
  static joinPath(u: Uri, ...parts: string[]): Uri {
    const p = [u.path, ...parts].join('/');
    return new Uri(u.scheme, p, p);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export class DebugAdapterExecutable {
  constructor(readonly command: string, readonly args: string[], readonly options?: { env?: Record<string, string> }) {}
}
export class DebugAdapterInlineImplementation {
  constructor(readonly implementation: unknown) {}
}

/** What the fake recorded, and knobs the tests set. */
export const fake = {
  commands: [] as { command: string; args: unknown[] }[],
  messages: [] as { level: string; text: string }[],
  config: {} as Record<string, unknown>,
  files: [] as string[],
  activeFile: undefined as string | undefined,
  quickPick: undefined as ((items: unknown[]) => unknown) | undefined,
  terminals: [] as FakeTerminal[],
  reset(): void {
    this.terminals = [];
    this.commands = [];
    this.messages = [];
    this.config = {};
    this.files = [];
    this.activeFile = undefined;
    this.quickPick = undefined;
  },
};

const disposable = { dispose: () => undefined };

export const commands = {
  executeCommand: async (command: string, ...args: unknown[]): Promise<unknown> => {
    fake.commands.push({ command, args });
    return undefined;
  },
  registerCommand: (_c: string, _f: unknown) => disposable,
};

/** A terminal whose Pseudoterminal is opened at once, recording what it was given to show. */
export class FakeTerminal {
  written = '';
  shown: boolean | undefined;
  disposed = false;
  constructor(readonly name: string, readonly pty: { onDidWrite(l: (t: string) => void): unknown; open(d: unknown): void; handleInput?(d: string): void }) {
    pty.onDidWrite((t) => { this.written += t; });
  }
  show(preserveFocus?: boolean): void {
    this.shown = preserveFocus ?? false;
  }
  dispose(): void {
    this.disposed = true;
  }
}

export const window = {
  createTerminal: (o: { name: string; pty: FakeTerminal['pty'] }) => {
    const t = new FakeTerminal(o.name, o.pty);
    fake.terminals.push(t);
    return t;
  },
  showErrorMessage: async (text: string) => { fake.messages.push({ level: 'error', text }); return undefined; },
  showInformationMessage: async (text: string) => { fake.messages.push({ level: 'info', text }); return undefined; },
  showQuickPick: async (items: unknown[]) => fake.quickPick?.(items),
  get activeTextEditor() {
    return fake.activeFile ? { document: { uri: Uri.file(fake.activeFile) } } : undefined;
  },
  createOutputChannel: () => ({ info: () => undefined, warn: () => undefined, error: () => undefined, dispose: () => undefined }),
};

export const workspace = {
  getConfiguration: (section: string) => ({
    get: <T>(key: string): T | undefined => fake.config[`${section}.${key}`] as T | undefined,
  }),
  findFiles: async (glob: string) => {
    const ext = /\*\.(\w+)$/.exec(glob)?.[1];
    return fake.files.filter((f) => !ext || f.endsWith(`.${ext}`)).map((f) => Uri.file(f));
  },
  asRelativePath: (p: string) => p,
  get workspaceFolders() {
    return undefined;
  },
};

export const debug = {};
