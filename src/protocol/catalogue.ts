import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The one place that reads the API catalogue (data/catalogue.json). Everything that needs an API fact
 * (schemas, admin-only set, reject causes, app states ...) asks this module.
 */

export type ParamType = 'string' | 'integer' | 'boolean' | 'object' | 'array' | 'number' | 'any';

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
  enum?: unknown[];
  items?: string;
  default?: unknown;
  note?: string;
}

export interface MethodSpec {
  params: Record<string, ParamSpec>;
  adminOnly: boolean;
  adminOnlyLikely?: boolean;
  response: string[];
  notes: string;
  sources: string[];
  verifiedAgainstDocs: boolean;
}

export interface EventSpec {
  fields: Record<string, string>;
  notes: string;
  sources: string[];
  verifiedAgainstDocs: boolean;
}

type EnumTable = Record<string, string>;

export interface CatalogueData {
  meta: Record<string, unknown>;
  methods: Record<string, MethodSpec>;
  events: Record<string, EventSpec>;
  appStates: EnumTable;
  rejectCauses: EnumTable;
  authorizationNeededCauses: EnumTable;
  loginResults: EnumTable;
  authResultCodes: EnumTable;
  [table: string]: unknown;
}

let cached: CatalogueData | undefined;

export function catalogue(): CatalogueData {
  if (!cached) {
    const file = path.join(__dirname, 'data', 'catalogue.json');
    cached = JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogueData;
  }
  return cached;
}

const has = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

export function methodSpec(method: string): MethodSpec | undefined {
  const methods = catalogue().methods;
  return has(methods, method) ? methods[method] : undefined;
}

export function eventSpec(event: string): EventSpec | undefined {
  const events = catalogue().events;
  return has(events, event) ? events[event] : undefined;
}

export function methodNames(): string[] {
  return Object.keys(catalogue().methods).sort();
}

export function eventNames(): string[] {
  return Object.keys(catalogue().events).sort();
}

export function isAdminOnly(method: string): boolean {
  return methodSpec(method)?.adminOnly === true;
}

function describe(table: EnumTable, code: unknown, what: string): string {
  const key = String(code);
  return has(table, key) ? table[key] : `${what} ${key}`;
}

/** Readable text of a rejectReceived/rejectSent `cause`. */
export function rejectCauseText(cause: unknown): string {
  return describe(catalogue().rejectCauses, cause, 'reject cause');
}

/** Readable text of an appState value (0-6). */
export function appStateText(state: unknown): string {
  return describe(catalogue().appStates, state, 'app state');
}

/** Short name of an appState value: the word before " - " in the catalogue (none, connect, login, normal, wait, conference, close). */
export function appStateName(state: unknown): string {
  return appStateText(state).split(' - ')[0];
}

export function authorizationNeededCauseText(cause: unknown): string {
  return describe(catalogue().authorizationNeededCauses, cause, 'authorizationNeeded cause');
}

export function loginResultText(result: unknown): string {
  return describe(catalogue().loginResults, result, 'login result');
}

/** The authorizationNeeded cause that means "another client took this control mode". */
export const DISPLACED_CAUSE = 1;
