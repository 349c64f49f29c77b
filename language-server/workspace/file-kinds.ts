// Which files the server reads, and as what: by name, since workspace files are indexed before any
// editor tells us their language. `.lds.S` is a linker script run through cpp, not assembly;
// headers and C sources contribute only the names assembly uses (#defines, C functions).
import { parseAsm } from '../parse/asm-file';
import type { FileFacts } from '../parse/facts';
import { parseCSource } from '../parse/c-source';
import { parseHeader } from '../parse/header';
import { parseLinkerScript } from '../parse/linker-script';

type Parser = (uri: string, text: string) => FileFacts;

const KINDS: readonly (readonly [RegExp, Parser])[] = [
  [/\.(lds?|lds?\.S)$/i, parseLinkerScript],
  [/\.S$/, (uri, text) => parseAsm(uri, text, true)],
  [/\.(s|asm|inc)$/i, (uri, text) => parseAsm(uri, text, false)],
  [/\.h$/, parseHeader],
  [/\.c$/, parseCSource],
];

/** The parser for a file name, or undefined when the server ignores the file. */
export function parserFor(name: string): Parser | undefined {
  return KINDS.find(([re]) => re.test(name))?.[1];
}

/** Editor language ids that are linker scripts (whatever the file is called). */
const LINKER_LANGUAGES = new Set(['linker-script', 'ld', 'lds', 'linkerscript']);

/** The parser for an open document: by its language id first, then by its name. */
export function parserForDocument(uri: string, languageId: string): Parser {
  if (LINKER_LANGUAGES.has(languageId)) return parseLinkerScript;
  return parserFor(uri) ?? ((u, t) => parseAsm(u, t, !/\.s$/.test(u)));
}
