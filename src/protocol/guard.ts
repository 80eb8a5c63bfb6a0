/** Wraps a callback so that whatever it throws is reported instead of escaping. */
export type Guard = <A extends unknown[]>(what: string, fn: (...args: A) => void) => (...args: A) => void;

/**
 * A Guard for timer and socket callbacks: a bug of ours that throws there is reported through `report`
 * instead of reaching the event loop, where it would take the whole Node-RED process down.
 */
export function guardWith(report: (message: string) => void): Guard {
  return <A extends unknown[]>(what: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        try {
          report(`internal error in ${what}: ${err instanceof Error ? err.message : String(err)}`);
        } catch {
          // The reporter itself failed; nothing sensible left to do.
        }
      }
    };
}
