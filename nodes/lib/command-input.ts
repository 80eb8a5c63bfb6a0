import { describeValue, isPlainObject, kindOf, type JsonObject } from '../../src/protocol';
import { NodeCommandError } from './errors';
import type { Translate } from './i18n';
import type { NodeMessage } from './node-red';

/** Largest parameter object a room-command sends (serialised JSON, UTF-8). */
export const MAX_PARAMS_BYTES = 1024 * 1024;
/** Largest timeout a node or msg.timeout may ask for. */
export const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Default deadline of a "wait for outcome" request when neither the node nor msg.timeout sets one: the
 * outcome of a call comes when the far end answers, and the Room lets a call ring for about 30 s, so the
 * ordinary request timeout (10 s) would cut most calls short.
 */
export const OUTCOME_DEFAULT_TIMEOUT_MS = 60_000;

export interface CommandInput {
  method: string;
  params: JsonObject;
  /** undefined = the connection's default request timeout (settings.js). */
  timeoutMs: number | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: NodeCommandError };

/** The last level of an MQTT-style topic: "rooms/hall/cmd/call" -> "call". */
export function methodFromTopic(topic: unknown): string | undefined {
  if (typeof topic !== 'string') return undefined;
  const last = topic.slice(topic.lastIndexOf('/') + 1).trim();
  return last === '' ? undefined : last;
}

/** Parses the node's configured params (an object in the flow; tolerates a JSON string from old flows). */
export function parseConfiguredParams(raw: unknown): JsonObject | undefined {
  if (raw === undefined || raw === null || raw === '') return {};
  if (isPlainObject(raw)) return raw;
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // fall through: invalid
    }
  }
  return undefined;
}

/** A timeout in ms from the node's configuration: "" / undefined = default; invalid = undefined + flag. */
export function parseConfiguredTimeout(raw: unknown): { timeoutMs: number | undefined; valid: boolean } {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
    return { timeoutMs: undefined, valid: true };
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (Number.isFinite(n) && n > 0 && n <= MAX_TIMEOUT_MS) return { timeoutMs: n, valid: true };
  return { timeoutMs: undefined, valid: false };
}

export interface NodeCommandSettings {
  /** The node's method; "" = from the message. */
  method: string;
  /** The node's configured params, already parsed; undefined = invalid in the flow. */
  params: JsonObject | undefined;
  timeoutMs: number | undefined;
}

/**
 * Works out what to send for one input message, or why nothing can be sent. Pure: it does not touch the
 * connection, so a bad message never reaches the Room.
 */
export function parseCommandInput(node: NodeCommandSettings, msg: NodeMessage, t: Translate): Parsed<CommandInput> {
  const fail = (
    code: ConstructorParameters<typeof NodeCommandError>[0],
    key: string,
    subs?: Record<string, unknown>,
  ): Parsed<CommandInput> => ({ ok: false, error: new NodeCommandError(code, t(key, subs)) });

  let method = node.method.trim();
  if (method === '') {
    if (msg.method !== undefined && msg.method !== null && msg.method !== '') {
      if (typeof msg.method !== 'string')
        return fail('NO_METHOD', 'errors.methodNotString', { type: kindOf(msg.method) });
      method = msg.method.trim();
    }
    if (method === '') method = methodFromTopic(msg.topic) ?? '';
  }
  if (method === '') return fail('NO_METHOD', 'errors.noMethod');

  if (node.params === undefined) return fail('INVALID_PARAMS', 'errors.configuredParamsInvalid');
  let params: JsonObject;
  if (msg.payload === undefined) params = { ...node.params };
  else if (isPlainObject(msg.payload)) params = { ...node.params, ...msg.payload };
  else return fail('INVALID_PARAMS', 'errors.payloadNotObject', { type: kindOf(msg.payload) });

  let size: number;
  try {
    const json = JSON.stringify(params);
    size = Buffer.byteLength(json, 'utf8');
  } catch (err) {
    return fail('INVALID_PARAMS', 'errors.paramsNotJson', { reason: err instanceof Error ? err.message : String(err) });
  }
  if (size > MAX_PARAMS_BYTES)
    return fail('INVALID_PARAMS', 'errors.paramsTooLarge', { size, limit: MAX_PARAMS_BYTES });

  let timeoutMs = node.timeoutMs;
  if (msg.timeout !== undefined) {
    const v = msg.timeout;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_TIMEOUT_MS) {
      return fail('INVALID_TIMEOUT', 'errors.timeoutInvalid', { max: MAX_TIMEOUT_MS, value: describeValue(v) });
    }
    timeoutMs = v;
  }
  return { ok: true, value: { method, params, timeoutMs } };
}
