/** Broadcasts a notification `{method:"event", event, ...fields}` to every authorized controller. */
export type Notify = (event: string, fields: Record<string, unknown>) => void;

/** Keys that must never become own properties of state built from a controller's object. */
export function isUnsafeKey(name: string): boolean {
  return name === '__proto__' || name === 'constructor' || name === 'prototype';
}
