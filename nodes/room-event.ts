import { ALL_EVENTS, eventNames, type RoomNotification, type Unsubscribe } from '../src/protocol';
import { ConnectionEventTracker } from './lib/connection-events';
import { toBool } from './lib/endpoint-config';
import { translator } from './lib/i18n';
import type { NodeDef, NodeRedApi, RuntimeNode } from './lib/node-red';
import { parseEventNames } from './lib/event-names';
import type { ConnectionSnapshot, RoomConfigApi } from './lib/config-api';
import { attachToFleet } from './lib/fleet-attachment';
import { deployedRooms } from './lib/room-registry';
import { attachToRoom, configuredRoom } from './lib/room-user';

interface RoomEventDef extends NodeDef {
  room?: string;
  /** Notification names; empty = all. */
  events?: unknown;
  topicPrefix?: unknown;
  /** Extension: also emit `<prefix>connection` messages on connection changes. */
  connectionEvents?: unknown;
  /** Extension: emit the notifications (and connection changes) of every deployed room-config. */
  allRooms?: unknown;
}

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

    // `{room}` in the prefix is the room's name, so one node can publish to trueconf/{room}/event/.
    const topicPrefixOf = (room: RoomConfigApi): string => prefix.split('{room}').join(room.roomName);
    const withConnectionEvents = toBool(def.connectionEvents);
    const trackers = new Map<RoomConfigApi, ConnectionEventTracker>();
    const onSnapshot = (room: RoomConfigApi, snapshot: ConnectionSnapshot, late = false): void => {
      if (!withConnectionEvents) return;
      let tracker = trackers.get(room);
      // A room-config redeployed under its name goes on from what the flow was told of that name.
      if (!tracker)
        trackers.set(room, (tracker = (late && gone.get(room.roomName)?.tracker) || new ConnectionEventTracker(late)));
      const payload = tracker.next(snapshot);
      if (payload) node.send({ topic: `${topicPrefixOf(room)}connection`, payload, room: room.roomName });
    };
    /** Subscribes to the room's notifications; returns how to stop. */
    const listen = (room: RoomConfigApi): Unsubscribe => {
      const client = room.client;
      const roomPrefix = topicPrefixOf(room);
      // Each node gets its own copy: a flow that edits msg.payload must not change what other nodes see.
      const emit = (notification: RoomNotification): void => {
        node.send({
          topic: roomPrefix + notification.event,
          payload: structuredClone(notification),
          room: room.roomName,
        });
      };
      const stops = client ? (names.length > 0 ? names : [ALL_EVENTS]).map((name) => client.subscribe(name, emit)) : [];
      return () => {
        for (const stop of stops) stop();
        trackers.delete(room);
      };
    };

    const joined = new Set<RoomConfigApi>();
    /** Names a deploy removed that the flow knew (topic, what it was told), until that deploy has started. */
    const gone = new Map<string, { tracker: ConnectionEventTracker; topic: string }>();
    /**
     * A room a later deploy removed: say so under its name, if the flow knew it, once that deploy has started
     * every node (a full deploy closes this node too; a room-config redeployed under its name rejoins first).
     */
    const onRemoved = (room: RoomConfigApi): void => {
      const tracker = trackers.get(room);
      if (!withConnectionEvents || !tracker?.known) return;
      gone.set(room.roomName, { tracker, topic: `${topicPrefixOf(room)}connection` });
    };
    const reportRemoved = (): void => {
      for (const [name, { topic }] of gone) {
        if (![...joined].some((r) => r.roomName === name))
          node.send({ topic, payload: { state: 'removed', reason: t('errors.roomRemoved') }, room: name });
      }
      gone.clear();
    };
    const listenInFleet = (room: RoomConfigApi): Unsubscribe => {
      const stop = listen(room);
      joined.add(room);
      return () => {
        stop();
        joined.delete(room);
      };
    };

    let detach: () => void;
    if (toBool(def.allRooms)) {
      const fleet = attachToFleet(deployedRooms, node, t, {
        joined: listenInFleet,
        snapshot: onSnapshot,
        removed: onRemoved,
      });
      RED.events.on('flows:started', reportRemoved);
      detach = () => {
        RED.events.removeListener('flows:started', reportRemoved);
        gone.clear();
        fleet.detach();
      };
    } else {
      const own = configuredRoom(RED, def.room);
      const attachment = attachToRoom(RED, node, def.room, t, own && ((snapshot) => onSnapshot(own, snapshot)));
      if (!own) node.warn(t('errors.noConfig'));
      const stop = own && listen(own);
      detach = () => {
        stop?.();
        attachment.detach();
      };
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      detach();
      done();
    });
  }

  RED.nodes.registerType('room-event', RoomEvent);
};
