import type { JsonObject } from './types';

/**
 * True for `{...}` objects: literals, JSON.parse results, Object.create(null). Also for objects made in
 * another realm, such as a Node-RED Function node's vm sandbox, whose Object.prototype is not ours: so the
 * test is "the prototype is null or a root prototype", not identity with this realm's Object.prototype.
 * Arrays, Buffers, Dates, Maps and class instances are not plain objects.
 */
export function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object') return false;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}
