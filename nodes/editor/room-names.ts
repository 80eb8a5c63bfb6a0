/**
 * The room names a message can pick with msg.room: the names of the Room configs in the workspace (once
 * deployed, the deployed ones), shown under the fleet checkboxes so a flow author need not look them up.
 */

export function roomNames(): string[] {
  const names = new Set<string>();
  RED.nodes.eachConfig?.((config) => {
    if (config.type === 'room-config') names.add(String(config.name || '').trim() || config.id);
    return true;
  });
  return [...names].sort();
}

/** Writes "Rooms: a, b, c" (the node type's own text) into the element, or nothing when there are none. */
export function showRoomNames(node: EditorNode, nodeType: 'room-command' | 'room-event', selector: string): void {
  const names = roomNames();
  $(selector).text(names.length ? node._(`${nodeType}.editor.roomNames`, { names: names.join(', ') }) : '');
}
