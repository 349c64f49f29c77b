// Settings: raw configuration values become typed settings; anything malformed means the default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLanguageServerSettings, SETTING } from '../../extension/src/settings';

const reader = (values: Record<string, unknown>) => (key: string): unknown => values[key];

test('unset settings: the server runs, trace off', () => {
  assert.deepEqual(readLanguageServerSettings(reader({})), { enabled: true, trace: 'off' });
});

test('set settings are read as they are', () => {
  assert.deepEqual(readLanguageServerSettings(reader({ enabled: false, trace: 'verbose' })), { enabled: false, trace: 'verbose' });
  assert.equal(readLanguageServerSettings(reader({ trace: 'messages' })).trace, 'messages');
});

test('malformed values fall back to the defaults', () => {
  assert.deepEqual(readLanguageServerSettings(reader({ enabled: 'no', trace: 'loud' })), { enabled: true, trace: 'off' });
  assert.equal(readLanguageServerSettings(reader({ trace: 1 })).trace, 'off');
});

test('setting keys live under persona.languageServer', () => {
  assert.deepEqual(SETTING, { enabled: 'persona.languageServer.enabled', trace: 'persona.languageServer.trace' });
});
