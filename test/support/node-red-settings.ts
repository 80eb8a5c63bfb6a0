import { localOnlySettings } from '../../demo/local-settings';
import { isPlainObject } from '../../src/protocol';

/** Fixed so tests can read flows_cred.json; never a real secret. */
export const testCredentialSecret = 'trueconf-room-test-credential-secret';

/** `extra` over `base`, objects merged deeply; arrays and other values replace. */
export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    out[key] =
      isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}

/** JavaScript source for a settings value: like JSON, but functions survive (settings.js is code). */
export function toSource(value: unknown, indent = ''): string {
  if (typeof value === 'function') return value.toString();
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    return `[${value.map((v) => toSource(v, indent)).join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const inner = indent + '  ';
    const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toSource(v, inner)}`);
    return entries.length ? `{\n${entries.join(',\n')}\n${indent}}` : '{}';
  }
  return JSON.stringify(value);
}

/** The settings every test Node-RED starts with: the demo's local-only ones, on 127.0.0.1, a fixed credential secret. */
export function baseSettings(userDir: string, logLevel: string): Record<string, unknown> {
  return {
    uiHost: '127.0.0.1',
    // Port 0: the OS picks a free port and Node-RED logs the bound one ("Server now running at ...").
    uiPort: 0,
    ...localOnlySettings(userDir, logLevel),
    credentialSecret: testCredentialSecret,
  };
}

/** The settings.js source for these settings (base settings with `extra` merged over them). */
export function settingsFileSource(userDir: string, logLevel: string, extra: Record<string, unknown> = {}): string {
  const settings = deepMerge(baseSettings(userDir, logLevel), extra);
  return `// Written by test/support/node-red-settings.ts\nmodule.exports = ${toSource(settings)};\n`;
}
