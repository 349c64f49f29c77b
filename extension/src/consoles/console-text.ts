// Guest console bytes <-> terminal text. No `vscode` import.

/** Guest text for a terminal: bare LF becomes CRLF (a terminal moves down without returning otherwise). */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Typed terminal input for a guest UART: Enter sends CR; guests read lines ending in LF. */
export function toGuest(data: string): string {
  return data.replace(/\r/g, '\n');
}
