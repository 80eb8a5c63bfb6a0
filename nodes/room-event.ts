import { eventNames, type RoomNotification, type Unsubscribe } from '../src/protocol';
import { ConnectionEventTracker } from './lib/connection-events';
import { toBool } from './lib/endpoint-config';
import { translator } from './lib/i18n';
import type { NodeDef, NodeRedApi, RuntimeNode } from './lib/node-red';
import { parseEventNames } from './lib/event-names';
import { attachToRoom } from './lib/room-user';

interface RoomEventDef extends NodeDef {
  room?: string;
  /** Notification names; empty = all. */
  events?: unknown;
  topicPrefix?: unknown;
  /** Extension: also emit `<prefix>connection` messages on connection changes. */
  connectionEvents?: unknown;
}

/** The subscription "every notification" in the core's router. */
const ALL = '*';

export = function (RED: NodeRedApi): void {
  const t = translator(RED, 'room-event');
  let known: Set<string> | undefined;

  function RoomEvent(this: RuntimeNode, def: RoomEventDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    node.name = def.name;

    const prefix = typeof def.topicPrefix === 'string' ? def.topicPrefix : '';
    const { names, valid } = parseEventNames(def.events);
    if (!valid) node.warn(t('errors.eventsInvalid'));
    known ??= new Set(eventNames());
    for (const name of names) if (!known.has(name)) node.warn(t('errors.unknownEvent', { event: name }));

    const tracker = toBool(def.connectionEvents) ? new ConnectionEventTracker() : undefined;
    const attachment = attachToRoom(
      RED,
      node,
      def.room,
      t,
      tracker &&
        ((snapshot) => {
          const payload = tracker.next(snapshot);
          if (payload) node.send({ topic: `${prefix}connection`, payload });
        }),
    );
    if (!attachment.room) node.warn(t('errors.noConfig'));

    const unsubscribes: Unsubscribe[] = [];
    const client = attachment.room?.client;
    if (client) {
      // Each node gets its own copy: a flow that edits msg.payload must not change what other nodes see.
      const emit = (notification: RoomNotification): void => {
        node.send({ topic: prefix + notification.event, payload: structuredClone(notification) });
      };
      for (const name of names.length > 0 ? names : [ALL]) unsubscribes.push(client.subscribe(name, emit));
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      attachment.detach();
      done();
    });
  }

  RED.nodes.registerType('room-event', RoomEvent);
};
