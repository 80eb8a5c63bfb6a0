import { PEER_PARAMS, type ParamRow } from './param-form';
import { getJson } from './values';

// Methods whose peer is someone from the address book; every other peer parameter means a participant of the
// current conference.
const CONTACT_METHODS = [
  'call',
  'inviteToConference',
  'prepareCallIdForCall',
  'addToAbook',
  'removeFromAbook',
  'renameInAbook',
  'addToGroup',
  'removeFromGroup',
  'block',
  'unblock',
  'getContactDetails',
  'getDisplayNameById',
  'sendMessage',
  'sendFile',
];

interface LiveEntry {
  id: string;
  label: string;
}

/** Live lists may come as strings or objects; keep an id and a readable label. */
function liveEntries(body: unknown, listName: string): LiveEntry[] {
  const b = body as Record<string, unknown> | null;
  const list = Array.isArray(body)
    ? body
    : b && Array.isArray(b[listName])
      ? (b[listName] as unknown[])
      : b && Array.isArray(b.items)
        ? (b.items as unknown[])
        : [];
  const out: LiveEntry[] = [];
  for (const item of list) {
    if (typeof item === 'string' || typeof item === 'number') {
      out.push({ id: String(item), label: '' });
    } else if (item && typeof item === 'object') {
      const e = item as Record<string, unknown>;
      const id = e.id || e.peerId || e.callId || e.instanceId;
      if (id) out.push({ id: String(id), label: String(e.name || e.displayName || e.peerDn || '') });
    }
  }
  return out;
}

/**
 * Suggestions for the form's peer fields from the deployed config node's connection: the Room's contacts or
 * the current participants, asked once per dialog and list.
 */
export class LiveLists {
  private readonly cache: Record<string, Promise<LiveEntry[]>> = {};

  constructor(private readonly node: EditorNode) {}

  /** Fills the datalists of `rows` for `method`; `stillShown` tells whether the answer is still wanted. */
  fill(rows: ParamRow[], method: string, stillShown: () => boolean): void {
    const peerRows = rows.filter((r) => PEER_PARAMS.indexOf(r.name) >= 0 && r.row.find('datalist').length);
    if (!peerRows.length) return;
    const configId = String($('#node-input-room').val() || '');
    const config = configId ? RED.nodes.node(configId) : undefined;
    // Only a deployed config node has a connection to ask; skip the request for a new or edited one.
    if (!config || config.changed) return;
    const listName = CONTACT_METHODS.indexOf(method) >= 0 ? 'contacts' : 'participants';
    const key = configId + '/' + listName;
    if (!this.cache[key]) {
      const url = 'trueconf-room/live/' + encodeURIComponent(configId) + '/' + listName;
      // Not deployed, not connected or no such list: free text is all the user needs.
      this.cache[key] = getJson(url, 10000).then(
        (body) => liveEntries(body, listName),
        () => [],
      );
    }
    void this.cache[key].then((entries) => {
      if (!stillShown()) return;
      for (const r of peerRows) {
        const dl = r.row.find('datalist').empty();
        for (const e of entries)
          $('<option></option>')
            .attr('value', e.id)
            .text(e.label || e.id)
            .appendTo(dl);
        r.row.attr('data-live', listName).attr('data-live-count', entries.length);
        r.row.find('.room-param-live').remove();
        if (entries.length) {
          $('<div class="room-param-live"></div>')
            .text(this.node._('room-command.editor.live.' + listName, { count: entries.length }))
            .appendTo(r.row);
        }
      }
    });
  }
}
