/**
 * What a method handler decides: the response's fields, and what happens after the response is on the
 * wire (notifications). `then` runs right after the response is sent, so a controller always sees
 * `result:true` before the notifications it caused (docs/protocol.md §8.1).
 */
export type Reply =
  | { ok: true; fields?: Record<string, unknown>; then?: () => void }
  | { ok: false; error: string; fields?: Record<string, unknown> };

export function ok(fields?: Record<string, unknown>, then?: () => void): Reply {
  return { ok: true, fields, then };
}

export function fail(error: string, fields?: Record<string, unknown>): Reply {
  return { ok: false, error, fields };
}
