import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeRedApi } from './node-red';

/** Translates a message key of one node type ("status.idle" -> "room-command.status.idle"). */
export type Translate = (key: string, substitutions?: Record<string, unknown>) => string;

// Node-RED's own keys we reuse; the English text is the fallback when its catalogue is not loaded.
const NODE_RED_FALLBACK: Record<string, string> = {
  'node-red:common.status.connecting': 'connecting',
  'node-red:common.status.connected': 'connected',
  'node-red:common.status.disconnected': 'disconnected',
};

const catalogues = new Map<string, Record<string, unknown>>();

function englishCatalogue(nodeType: string): Record<string, unknown> {
  let cat = catalogues.get(nodeType);
  if (!cat) {
    try {
      // dist/nodes/lib -> dist/nodes/locales (build.js copies the JSON there).
      const file = path.join(__dirname, '..', 'locales', 'en-US', `${nodeType}.json`);
      cat = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      cat = {};
    }
    catalogues.set(nodeType, cat);
  }
  return cat;
}

function lookup(catalogue: Record<string, unknown>, key: string): string | undefined {
  let cursor: unknown = catalogue;
  for (const part of key.split('.')) {
    if (!cursor || typeof cursor !== 'object' || !Object.prototype.hasOwnProperty.call(cursor, part)) return undefined;
    cursor = (cursor as Record<string, unknown>)[part];
  }
  return typeof cursor === 'string' ? cursor : undefined;
}

/** Node-RED configures i18next with __name__ placeholders (not i18next's default {{name}}). */
export function interpolate(text: string, substitutions: Record<string, unknown> = {}): string {
  return text.replace(/__(\w+?)__/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(substitutions, name) ? String(substitutions[name]) : whole,
  );
}

/** English text of a key straight from the en-US catalogue (tests and fallbacks). */
export function englishText(nodeType: string, key: string, substitutions?: Record<string, unknown>): string {
  return englishFull(nodeType, key.includes(':') ? key : `${nodeType}.${key}`, substitutions);
}

function englishFull(nodeType: string, full: string, substitutions?: Record<string, unknown>): string {
  const text = NODE_RED_FALLBACK[full] ?? lookup(englishCatalogue(nodeType), full);
  return text === undefined ? full : interpolate(text, substitutions);
}

/**
 * RED._ in the runtime's language, falling back to the English catalogue when the key is not resolved
 * (i18next answers with the key itself; the test helper's RED._ is the identity), so a user never sees
 * a raw key in a status or an error.
 */
export function translator(RED: Pick<NodeRedApi, '_'>, nodeType: string): Translate {
  return (key, substitutions) => {
    const full = key.includes(':') ? key : `${nodeType}.${key}`;
    const bare = full.includes(':') ? full.slice(full.indexOf(':') + 1) : full;
    let text: unknown;
    try {
      text = RED._(full, substitutions);
    } catch {
      text = undefined;
    }
    if (typeof text === 'string' && text !== '' && text !== full && text !== bare) return text;
    return englishFull(nodeType, full, substitutions);
  };
}
