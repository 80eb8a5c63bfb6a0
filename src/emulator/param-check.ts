import type { MethodSpec, ParamSpec } from '../protocol/catalogue';

/**
 * The emulator's own check of a request against the catalogue: required params present, JSON types and
 * enums right. Written independently of the client's ajv schemas on purpose (the two sides must not share
 * a bug). The error wording is the emulator's guess [INF].
 */
export function checkParams(spec: MethodSpec, frame: Record<string, unknown>): string | undefined {
  for (const [name, param] of Object.entries(spec.params)) {
    const has = Object.prototype.hasOwnProperty.call(frame, name) && frame[name] !== undefined;
    if (!has) {
      if (param.required) return `missing required parameter "${name}"`;
      continue;
    }
    const problem = typeProblem(param, frame[name]);
    if (problem) return `invalid parameter "${name}": ${problem}`;
  }
  return undefined;
}

function typeProblem(param: ParamSpec, value: unknown): string | undefined {
  if (!hasType(param.type, value)) return `expected ${param.type}, got ${jsonType(value)}`;
  if (param.type === 'array' && param.items && Array.isArray(value)) {
    const bad = value.findIndex((v) => !hasType(param.items as ParamSpec['type'], v));
    if (bad >= 0) return `item ${bad} must be ${param.items}`;
  }
  if (param.enum && !param.enum.includes(value)) {
    return `must be one of ${param.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return undefined;
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return jsonType(value) === 'object';
    case 'array':
      return Array.isArray(value);
    default:
      return true;
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
