import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { methodNames, methodSpec, type ParamSpec } from './catalogue';
import { RoomError } from './errors';
import { isPlainObject } from './plain-object';
import { kindOf } from './value-kind';

/**
 * Request validation: one JSON Schema per catalogue method, compiled lazily (once per method) and cached.
 * Runs before anything is sent, so an invalid request never reaches the Room.
 */

export interface ValidateOptions {
  /** false: a method the catalogue does not know is allowed (its params are not checked). Default true. */
  strict?: boolean;
}

/** The client sets these itself; letting params override them would break correlation. */
const RESERVED_KEYS = ['method', 'requestId'] as const;
/** Keys that smell of prototype pollution; never forwarded. */
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: unknown[];
  items?: JsonSchema;
}

function paramSchema(spec: ParamSpec): JsonSchema {
  const schema: JsonSchema = {};
  // 'any' means the catalogue does not know the type: accept every JSON value.
  if (spec.type !== 'any') schema.type = spec.type;
  if (spec.type === 'array' && spec.items && spec.items !== 'any') schema.items = { type: spec.items };
  if (Array.isArray(spec.enum) && spec.enum.length > 0) schema.enum = [...spec.enum];
  return schema;
}

/** The JSON Schema of a method's params, derived from the catalogue; undefined for an unknown method. */
export function methodSchema(method: string): JsonSchema | undefined {
  const spec = methodSpec(method);
  if (!spec) return undefined;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, p] of Object.entries(spec.params)) {
    properties[name] = paramSchema(p);
    if (p.required) required.push(name);
  }
  // Extra params pass: newer Rooms grow fields the catalogue does not list yet.
  const schema: JsonSchema = { type: 'object', properties, additionalProperties: true };
  if (required.length > 0) schema.required = required;
  return schema;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(method: string): ValidateFunction | undefined {
  let fn = compiled.get(method);
  if (!fn) {
    const schema = methodSchema(method);
    if (!schema) return undefined;
    ajv ??= new Ajv({ allErrors: true, strict: true });
    fn = ajv.compile(schema);
    compiled.set(method, fn);
  }
  return fn;
}

/** "/inviteList/0" -> 'parameter "inviteList" item 0' */
function where(instancePath: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length === 0) return 'params';
  const [head, ...rest] = parts;
  return `parameter "${head}"` + rest.map((r) => (/^\d+$/.test(r) ? ` item ${r}` : `.${r}`)).join('');
}

function errorText(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required parameter "${String(p.missingProperty)}"`;
    case 'type':
      return `${where(e.instancePath)} must be ${String(p.type)}`;
    case 'enum':
      return `${where(e.instancePath)} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where(e.instancePath)} ${e.message ?? 'is invalid'}`;
  }
}

function suggestion(method: string): string {
  const lower = method.toLowerCase();
  const match = methodNames().find((m) => m.toLowerCase() === lower);
  return match ? ` Did you mean "${match}"?` : '';
}

/**
 * Checks a request before it is sent. Returns a RoomError (UNKNOWN_METHOD or INVALID_PARAMS) with a
 * readable message, or undefined when the request may go out.
 */
export function validateRequest(
  method: unknown,
  params: unknown,
  options: ValidateOptions = {},
): RoomError | undefined {
  const strict = options.strict !== false;
  if (typeof method !== 'string' || !METHOD_NAME.test(method)) {
    return new RoomError(
      'INVALID_PARAMS',
      `Invalid method name ${JSON.stringify(method)}: it must start with a letter and contain only letters, digits and "_"`,
      { method: typeof method === 'string' ? method : undefined },
    );
  }
  if (!isPlainObject(params)) {
    return new RoomError('INVALID_PARAMS', `${method}: params must be an object, got ${kindOf(params)}`, {
      method,
    });
  }
  for (const key of FORBIDDEN_KEYS) {
    if (Object.prototype.hasOwnProperty.call(params, key)) {
      return new RoomError('INVALID_PARAMS', `${method}: parameter name "${key}" is not allowed`, { method });
    }
  }
  for (const key of RESERVED_KEYS) {
    if (Object.prototype.hasOwnProperty.call(params, key)) {
      return new RoomError('INVALID_PARAMS', `${method}: "${key}" cannot be a parameter (the client sets it)`, {
        method,
      });
    }
  }
  const validate = validatorFor(method);
  if (!validate) {
    if (!strict) return undefined;
    return new RoomError(
      'UNKNOWN_METHOD',
      `Unknown method "${method}". It is not in the TrueConf Room API catalogue.${suggestion(method)} ` +
        'If your Room supports it, set strict:false to send it anyway.',
      { method },
    );
  }
  if (validate(params)) return undefined;
  const texts = [...new Set((validate.errors ?? []).map(errorText))];
  return new RoomError('INVALID_PARAMS', `${method}: ${texts.join('; ')}`, { method });
}
