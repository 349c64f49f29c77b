// Which editor languages the language server serves, and which files on disk the client watches for
// it. No `vscode` import. The server (language-server/server.ts) parses assembly and linker scripts;
// device trees get grammars only.

/** Language ids contributed in package.json that the server answers for. */
export const SERVED_LANGUAGES = ['aarch64-asm', 'arm-asm', 'linker-script'] as const;

/** Every language id the extension contributes (each one activates the extension). */
export const CONTRIBUTED_LANGUAGES = [...SERVED_LANGUAGES, 'devicetree'] as const;

/** Files whose changes on disk keep the server's workspace index fresh. */
export const WATCHED_FILES = '**/*.{S,s,asm,ld,lds}';

export interface LanguageFilter {
  scheme: 'file';
  language: string;
}

/** The client's document selector: the served languages, for files on disk. */
export function documentSelector(): LanguageFilter[] {
  return SERVED_LANGUAGES.map((language) => ({ scheme: 'file', language }));
}
