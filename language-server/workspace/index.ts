// Everything the server knows about the workspace: the facts of every assembly file, linker script
// and header, whether read from disk or from an open editor (open documents win until closed).
// Lookups by name are rebuilt lazily after a change, so a burst of edits costs one rebuild.
import type { FileFacts, LinkerFacts, SymbolDef, SymbolRef } from '../parse/facts';

export interface Located<T> {
  uri: string;
  item: T;
}

export class WorkspaceIndex {
  private readonly files = new Map<string, FileFacts>();
  private byName: Map<string, SymbolDef[]> | undefined;
  private macroNames: Set<string> | undefined;
  /** Bumped on every change: caches elsewhere (completion items) compare it. */
  generation = 0;

  set(facts: FileFacts): void {
    this.files.set(facts.uri, facts);
    this.changed();
  }

  delete(uri: string): void {
    if (this.files.delete(uri)) this.changed();
  }

  /** Forgets every file under a folder URI (a workspace folder was removed). */
  deleteUnder(folderUri: string): void {
    const prefix = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
    for (const uri of [...this.files.keys()]) if (uri.startsWith(prefix)) this.files.delete(uri);
    this.changed();
  }

  get(uri: string): FileFacts | undefined {
    return this.files.get(uri);
  }

  all(): IterableIterator<FileFacts> {
    return this.files.values();
  }

  get size(): number {
    return this.files.size;
  }

  private changed(): void {
    this.byName = undefined;
    this.macroNames = undefined;
    this.generation++;
  }

  private names(): Map<string, SymbolDef[]> {
    if (!this.byName) {
      const map = new Map<string, SymbolDef[]>();
      for (const f of this.files.values()) {
        for (const d of f.defs) {
          const list = map.get(d.name);
          if (list) list.push(d);
          else map.set(d.name, [d]);
        }
      }
      this.byName = map;
    }
    return this.byName;
  }

  /** Every definition of a name, across files (a label in two files is two definitions). */
  definitions(name: string): readonly SymbolDef[] {
    return this.names().get(name) ?? [];
  }

  /** All defined names with their definitions (workspace symbols, completion). */
  allDefinitions(): ReadonlyMap<string, SymbolDef[]> {
    return this.names();
  }

  /** Macro names (`.macro`) defined anywhere, lower-cased as mnemonics are matched. */
  macros(): ReadonlySet<string> {
    if (!this.macroNames) {
      this.macroNames = new Set();
      for (const list of this.names().values()) for (const d of list) if (d.kind === 'macro') this.macroNames.add(d.name.toLowerCase());
    }
    return this.macroNames;
  }

  /** Every use of a name across the workspace. */
  references(name: string): Located<SymbolRef>[] {
    const out: Located<SymbolRef>[] = [];
    for (const f of this.files.values()) for (const r of f.refs) if (r.name === name) out.push({ uri: f.uri, item: r });
    return out;
  }

  linkerScripts(): LinkerFacts[] {
    return [...this.files.values()].filter((f): f is LinkerFacts => f.kind === 'ld');
  }

  /** Whether some linker script places an input section of this name; undefined without scripts. */
  sectionPlaced(name: string): boolean | undefined {
    const scripts = this.linkerScripts();
    if (scripts.length === 0) return undefined;
    return scripts.some((s) => s.placements.some((re) => re.test(name)));
  }
}
