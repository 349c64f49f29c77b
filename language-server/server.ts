// The language server: capabilities and the wiring of every LSP request to a feature function, in
// one place. State is the workspace index (files on disk plus open documents) and the open
// documents themselves. Nothing here writes to stdout except the connection.
import { DidChangeWatchedFilesNotification, FileChangeType, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Completer } from './features/completion';
import { diagnose } from './features/diagnostics';
import { hover } from './features/hover';
import { definition, references } from './features/navigation';
import { documentSymbols, workspaceSymbols } from './features/symbols';
import type { FileFacts } from './parse/facts';
import { parserForDocument } from './workspace/file-kinds';
import { WorkspaceIndex } from './workspace/index';
import { indexFile, normalizeUri, scanFolders, uriToPath } from './workspace/scan';

/** Editor language ids of ARM32/Thumb assembly: the A64 mnemonic table does not apply. */
const ARM32_LANGUAGES = /^(arm-asm|arm|arm32|armv7|thumb|arm-assembly)$/i; // arm-asm: the id package.json contributes
const WATCHED = '**/*.{S,s,asm,inc,ld,lds,h,c}';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const index = new WorkspaceIndex();
  const completer = new Completer(index);
  /** Open documents by normalized URI (the index key) -> the client's URI. */
  const open = new Map<string, string>();
  const isOpen = (uri: string): boolean => open.has(uri);
  let ready: Promise<void> = Promise.resolve();
  let watchFiles = false;
  let folderEvents = false;

  /** Queues index work that requests must wait for. */
  const after = (work: () => Promise<unknown>): void => {
    ready = ready.then(work).then(() => undefined, (e: unknown) => connection.console.error(`persona lsp: ${String(e)}`));
  };

  const factsOf = async (uri: string): Promise<FileFacts | undefined> => {
    await ready;
    return index.get(normalizeUri(uri));
  };

  // Diagnostics depend on the whole workspace (a label defined elsewhere), so any change re-checks
  // every open document, once per turn of the event loop.
  let diagnosticsQueued = false;
  const queueDiagnostics = (): void => {
    if (diagnosticsQueued) return;
    diagnosticsQueued = true;
    setImmediate(async () => {
      // Wait for index work queued meanwhile, too: diagnostics from a half-read workspace would lie.
      for (let seen = ready; ; seen = ready) {
        await seen;
        if (seen === ready) break;
      }
      diagnosticsQueued = false;
      for (const [key, clientUri] of open) {
        const facts = index.get(key);
        const doc = documents.get(clientUri);
        if (facts?.kind !== 'asm' || !doc) continue;
        void connection.sendDiagnostics({ uri: clientUri, version: doc.version, diagnostics: diagnose(facts, index, { a64: !ARM32_LANGUAGES.test(doc.languageId) }) });
      }
    });
  };

  connection.onInitialize((params): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    folderEvents = params.capabilities.workspace?.workspaceFolders === true;
    ready = scanFolders(index, folders.map(normalizeUri), isOpen).then((r) => {
      connection.console.info(`persona lsp: indexed ${index.size} files (${r.files} found) in ${r.millis.toFixed(0)} ms`);
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.'] },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'persona-lsp' },
    };
  });

  connection.onInitialized(() => {
    // The client then reports changes on disk of files the editor does not have open.
    if (watchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: WATCHED }] });
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        for (const f of removed) index.deleteUnder(normalizeUri(f.uri));
        after(() => scanFolders(index, added.map((f) => normalizeUri(f.uri)), isOpen));
        queueDiagnostics();
      });
    }
  });

  documents.onDidChangeContent(({ document }) => {
    const key = normalizeUri(document.uri);
    open.set(key, document.uri);
    index.set(parserForDocument(key, document.languageId)(key, document.getText()));
    queueDiagnostics();
  });

  documents.onDidClose(({ document }) => {
    const key = normalizeUri(document.uri);
    open.delete(key);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    // Back to the text on disk (or gone, for an unsaved file).
    const path = uriToPath(key);
    if (path === undefined) index.delete(key);
    else after(() => indexFile(index, path, isOpen));
    queueDiagnostics();
  });

  // Disk reads are queued on `ready`, so a request sent after the notification sees their result.
  connection.onDidChangeWatchedFiles(({ changes }) => {
    after(async () => {
      for (const c of changes) {
        const key = normalizeUri(c.uri);
        const path = uriToPath(key);
        if (isOpen(key)) continue;
        if (c.type === FileChangeType.Deleted || path === undefined) index.delete(key);
        else await indexFile(index, path, isOpen);
      }
    });
    queueDiagnostics();
  });

  connection.onHover(async ({ textDocument, position }) => {
    const f = await factsOf(textDocument.uri);
    return f ? hover(f, position, index) : null;
  });

  connection.onCompletion(async ({ textDocument, position }) => {
    await ready;
    const doc = documents.get(textDocument.uri);
    const line = doc?.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } }) ?? '';
    return completer.complete(line.replace(/\r?\n$/, ''), position);
  });

  connection.onDefinition(async ({ textDocument, position }) => {
    const f = await factsOf(textDocument.uri);
    return f ? definition(f, position, index) : [];
  });

  connection.onReferences(async ({ textDocument, position, context }) => {
    const f = await factsOf(textDocument.uri);
    return f ? references(f, position, index, context.includeDeclaration) : [];
  });

  connection.onDocumentSymbol(async ({ textDocument }) => {
    const f = await factsOf(textDocument.uri);
    return f ? documentSymbols(f) : [];
  });

  connection.onWorkspaceSymbol(async ({ query }) => {
    await ready;
    return workspaceSymbols(index, query);
  });

  documents.listen(connection);
  connection.listen();
}
