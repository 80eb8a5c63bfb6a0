/** Small value checks the editor modules share. */

export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || String(v).trim() === '';
}

/** jQuery's val() as a string ('' for nothing). */
export function textOf(input: JQuery): string {
  const v = input.val();
  return v === undefined || v === null ? '' : String(v);
}

/** A jQuery request as a promise of its JSON body; rejects with the request on failure. */
export function getJson(url: string, timeout: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // $.ajax, not fetch: Node-RED's editor adds its admin token to every jQuery request.
    $.ajax({ url, dataType: 'json', timeout }).done(resolve).fail(reject);
  });
}
