/** Event names from the flow: an array (or, from hand-written flows, a comma-separated string). */
export function parseEventNames(raw: unknown): { names: string[]; valid: boolean } {
  if (raw === undefined || raw === null || raw === '') return { names: [], valid: true };
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : undefined;
  if (!list) return { names: [], valid: false };
  const names: string[] = [];
  let valid = true;
  for (const item of list) {
    if (typeof item !== 'string') {
      valid = false;
      continue;
    }
    const name = item.trim();
    if (name !== '' && !names.includes(name)) names.push(name);
  }
  return { names, valid };
}
