// Finds and indexes the files of the workspace folders at start-up, and re-reads a file when the
// client reports it changed on disk. Skips dependency and VCS folders: they hold no guest sources
// and can be huge.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceIndex } from './index';
import { parserFor } from './file-kinds';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '.vscode-test', 'out', 'dist']);
/** A guard against indexing a whole home directory opened by mistake. */
const MAX_FILES = 20_000;
const READERS = 32;

/** file:// URI -> path, or undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

/** The one spelling of a file URI used as an index key (clients may percent-encode differently). */
export function normalizeUri(uri: string): string {
  const path = uriToPath(uri);
  return path === undefined ? uri : pathToFileURL(path).href;
}

async function collect(dir: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // unreadable folder: skip it, as an editor would
  }
  const subdirs: Promise<void>[] = [];
  for (const e of entries) {
    if (out.length >= MAX_FILES) return;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) subdirs.push(collect(join(dir, e.name), out));
    } else if (e.isFile() && parserFor(e.name)) out.push(join(dir, e.name));
  }
  await Promise.all(subdirs);
}

/** Files an editor has open: their text comes from the editor, never from disk. */
export type IsOpen = (uri: string) => boolean;

/** Reads and parses one file into the index; a file that vanished is removed. */
export async function indexFile(index: WorkspaceIndex, path: string, isOpen: IsOpen): Promise<void> {
  const parse = parserFor(path);
  const uri = pathToFileURL(path).href;
  if (!parse || isOpen(uri)) return;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    if (!isOpen(uri)) index.delete(uri);
    return;
  }
  if (!isOpen(uri)) index.set(parse(uri, text)); // opened while we read: the editor's text wins
}

export interface ScanResult {
  files: number;
  millis: number;
}

/** Indexes every matching file under the given folders (file:// URIs). */
export async function scanFolders(index: WorkspaceIndex, folderUris: readonly string[], isOpen: IsOpen): Promise<ScanResult> {
  const t0 = performance.now();
  const paths: string[] = [];
  for (const uri of folderUris) {
    const path = uriToPath(uri);
    if (path !== undefined) await collect(path, paths);
  }
  const todo = [...paths];
  // A bounded number of reads in flight: thousands at once would run out of file descriptors.
  const worker = async (): Promise<void> => {
    for (let p = todo.pop(); p !== undefined; p = todo.pop()) await indexFile(index, p, isOpen);
  };
  await Promise.all(Array.from({ length: READERS }, worker));
  return { files: paths.length, millis: performance.now() - t0 };
}
