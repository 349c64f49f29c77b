// The extension's settings: their keys and how a raw configuration value becomes a typed one. No
// `vscode` import, so the rules are unit-tested in plain Node.

/** The configuration section every Persona language-server setting lives under. */
export const LANGUAGE_SERVER_SECTION = 'persona.languageServer';

export const SETTING = {
  enabled: `${LANGUAGE_SERVER_SECTION}.enabled`,
  trace: `${LANGUAGE_SERVER_SECTION}.trace`,
} as const;

/** How much of the LSP traffic the client writes to the output channel. */
export type TraceSetting = 'off' | 'messages' | 'verbose';

export const TRACE_SETTINGS: readonly TraceSetting[] = ['off', 'messages', 'verbose'];

export interface LanguageServerSettings {
  enabled: boolean;
  trace: TraceSetting;
}

/** Reads one key of the `persona.languageServer` section (undefined when unset). */
export type SettingReader = (key: 'enabled' | 'trace') => unknown;

/** The settings from raw values; anything malformed falls back to the default (enabled, trace off). */
export function readLanguageServerSettings(read: SettingReader): LanguageServerSettings {
  const enabled = read('enabled');
  const trace = read('trace');
  return {
    enabled: typeof enabled === 'boolean' ? enabled : true,
    trace: TRACE_SETTINGS.find((t) => t === trace) ?? 'off',
  };
}
