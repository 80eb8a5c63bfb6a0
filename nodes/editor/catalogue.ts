import type { EditorCatalogue } from '../lib/editor-catalogue';
// The core's own rule: plain-object.ts has no dependencies, so esbuild bundles it for the browser.
import { isPlainObject } from '../../src/protocol/plain-object';
import { getJson } from './values';

export type { EditorCatalogue, EditorMethod } from '../lib/editor-catalogue';

let pending: Promise<EditorCatalogue> | null = null;
let loaded: EditorCatalogue | null = null;
let validationLoadTried = false;

function isCatalogue(data: unknown): data is EditorCatalogue {
  return (
    isPlainObject(data) &&
    isPlainObject(data.methods) &&
    Array.isArray(data.events) &&
    isPlainObject(data.limits) &&
    Array.isArray(data.settings)
  );
}

/**
 * GET trueconf-room/catalogue once per editor session, for all three nodes. A failure is not cached, so the
 * next dialog retries.
 */
export function loadCatalogue(): Promise<EditorCatalogue> {
  if (!pending) {
    pending = getJson('trueconf-room/catalogue', 20000).then(
      (data) => {
        if (!isCatalogue(data)) throw new Error('not a catalogue');
        const first = !loaded;
        loaded = data;
        if (first) revalidateNodes();
        return data;
      },
      (err: unknown) => {
        pending = null;
        throw err;
      },
    );
  }
  return pending;
}

/**
 * The catalogue for node validation, or null while it is not known. Validation runs when flows load, before
 * any dialog opened: the first call starts the download and accepts; the nodes are judged again once it arrives.
 */
export function catalogueForValidation(): EditorCatalogue | null {
  if (!loaded && !validationLoadTried) {
    validationLoadTried = true;
    loadCatalogue().catch(() => undefined); // unknown catalogue: every method is accepted
  }
  return loaded;
}

/** Redraws the red triangles of this package's nodes once the catalogue can judge them. */
function revalidateNodes(): void {
  const editor = RED.editor;
  if (!RED.nodes.eachNode || !editor?.validateNode) return;
  let changed = false;
  RED.nodes.eachNode((n) => {
    if (n.type !== 'room-command') return;
    const was = n.valid;
    editor.validateNode!(n);
    if (n.valid !== was) {
      n.dirty = true;
      changed = true;
    }
  });
  if (changed) RED.view?.redraw?.(true);
}
