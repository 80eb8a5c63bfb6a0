import { catalogue, eventNames, methodNames, type ParamSpec } from '../../src/protocol';
import { hasOutcome, OUTCOME_METHODS } from '../../src/protocol';
import { MAX_TIMEOUT_MS } from './command-input';
import { SETTING_NAMES } from './settings';

/** What the editor's method picker and parameter form need to know about one method. */
export interface EditorMethod {
  params: Record<string, ParamSpec>;
  adminOnly: boolean;
  notes: string;
  /** true when "wait for outcome" applies to this method. */
  outcome: boolean;
  /** Documentation page: from the catalogue's sources when it has one, else the usual URL pattern. */
  doc: string;
  /** true when `doc` follows the URL pattern and was not seen in a source (the page may not exist). */
  docGuessed: boolean;
}

export interface EditorCatalogue {
  methods: Record<string, EditorMethod>;
  events: string[];
  appStates: Record<string, string>;
  outcomeMethods: string[];
  /** The runtime's limits, so the editor judges a value as the runtime will. */
  limits: { maxTimeoutMs: number };
  /** The settings.js keys of this package (room-config's Advanced tab shows the values in force). */
  settings: string[];
}

const DOC_PATTERN = 'https://trueconf.com/docs/videosdk/en/commands/';

/** First https:// URL among a method's sources ("https://... ; /v.2/..." keeps only the URL). */
export function docLink(method: string, sources: readonly string[]): { doc: string; docGuessed: boolean } {
  for (const source of sources) {
    const match = /^https:\/\/\S+/.exec(source.trim());
    if (match) return { doc: match[0], docGuessed: false };
  }
  return { doc: DOC_PATTERN + encodeURIComponent(method), docGuessed: true };
}

let cached: EditorCatalogue | undefined;

/** Built once: the catalogue does not change while Node-RED runs. */
export function editorCatalogue(): EditorCatalogue {
  if (cached) return cached;
  const data = catalogue();
  const methods: Record<string, EditorMethod> = {};
  for (const name of methodNames()) {
    const spec = data.methods[name];
    methods[name] = {
      params: spec.params,
      adminOnly: spec.adminOnly,
      notes: spec.notes,
      outcome: hasOutcome(name),
      ...docLink(name, spec.sources),
    };
  }
  cached = {
    methods,
    events: eventNames(),
    appStates: { ...data.appStates },
    outcomeMethods: [...OUTCOME_METHODS],
    limits: { maxTimeoutMs: MAX_TIMEOUT_MS },
    settings: [...SETTING_NAMES],
  };
  return cached;
}
