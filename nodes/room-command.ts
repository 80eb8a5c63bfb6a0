import { setMaxListeners } from 'node:events';
import { DEFAULT_TUNING, hasOutcome, isRoomError, type RequestOptions } from '../src/protocol';
import {
  MAX_TIMEOUT_MS,
  OUTCOME_DEFAULT_TIMEOUT_MS,
  parseCommandInput,
  parseConfiguredParams,
  parseConfiguredTimeout,
  type NodeCommandSettings,
} from './lib/command-input';
import { toBool } from './lib/endpoint-config';
import { NodeCommandError, toNodeError } from './lib/errors';
import { translator } from './lib/i18n';
import type { RoomConfigApi } from './lib/config-api';
import type { DoneFunction, NodeDef, NodeRedApi, RuntimeNode } from './lib/node-red';
import { attachToFleet } from './lib/fleet-attachment';
import { chooseRoom } from './lib/room-choice';
import { deployedRooms } from './lib/room-registry';
import { attachToRoom, configuredRoom, type RoomAttachment } from './lib/room-user';
import { tuningFromSettings } from './lib/settings';

interface RoomCommandDef extends NodeDef {
  room?: string;
  method?: unknown;
  params?: unknown;
  timeout?: unknown;
  /** Extension: emit when the outcome notification arrives (methods that have one). */
  waitForOutcome?: unknown;
  /** Extension: false lets methods the catalogue does not know through. Default true. */
  strict?: unknown;
  /** Extension: msg.room picks one of the deployed room-configs by name (or id). */
  roomFromMsg?: unknown;
}

interface InFlight {
  method: string;
  room: RoomConfigApi;
  done: DoneFunction;
  settled: boolean;
  /** Settles when the message has ended (output or error). */
  ended?: Promise<void>;
}

export = function (RED: NodeRedApi): void {
  const t = translator(RED, 'room-command');

  function RoomCommand(this: RuntimeNode, def: RoomCommandDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    node.name = def.name;

    const timeout = parseConfiguredTimeout(def.timeout);
    if (!timeout.valid) node.warn(t('errors.configuredTimeoutInvalid', { max: MAX_TIMEOUT_MS }));
    const settings: NodeCommandSettings = {
      method: typeof def.method === 'string' ? def.method : '',
      params: parseConfiguredParams(def.params),
      timeoutMs: timeout.timeoutMs,
    };
    if (settings.params === undefined) node.error(t('errors.configuredParamsInvalid'));
    const waitForOutcome = toBool(def.waitForOutcome);
    const strict = def.strict === undefined || def.strict === null || def.strict === '' ? true : toBool(def.strict);
    const { tuning } = tuningFromSettings(RED.settings);
    const outcomeTimeoutMs = Math.max(OUTCOME_DEFAULT_TIMEOUT_MS, tuning.requestTimeoutMs ?? 0);
    // The same bound as the client's queue, per Room: a flood while a Room is away fails fast instead of piling
    // up, and in fleet mode one Room away does not take the places of the others.
    const maxPending = tuning.maxQueued ?? DEFAULT_TUNING.maxQueued;
    const pendingByRoom = new Map<RoomConfigApi, number>();

    const roomFromMsg = toBool(def.roomFromMsg);
    // In fleet mode the node holds every deployed room's connection and its status counts them.
    const attachment: RoomAttachment = roomFromMsg
      ? { room: configuredRoom(RED, def.room), detach: attachToFleet(deployedRooms, node, t).detach }
      : attachToRoom(RED, node, def.room, t);
    // Requests still waiting for the Room; close() fails them so every message gets exactly one done().
    const inFlight = new Set<InFlight>();
    // Cancels every request of this node in the pooled client, which outlives the node: on close, one still
    // unsent is dropped and never reaches the Room. (One signal for all: a controller per message costs time.)
    const closing = new AbortController();
    setMaxListeners(0, closing.signal); // each pending outcome wait listens on it, at most maxPending per Room
    const settle = (entry: InFlight): boolean => {
      if (entry.settled) return false;
      entry.settled = true;
      inFlight.delete(entry);
      const left = (pendingByRoom.get(entry.room) ?? 1) - 1;
      if (left > 0) pendingByRoom.set(entry.room, left);
      else pendingByRoom.delete(entry.room);
      return true;
    };

    node.on('input', (msg, send, done) => {
      const room = chooseRoom(msg, attachment.room, roomFromMsg, t);
      if (room instanceof NodeCommandError) return done(room);
      msg.room = room.roomName;
      if (room.configError !== undefined) {
        return done(new NodeCommandError('INVALID_CONFIG', t('errors.invalidConfig', { reason: room.configError })));
      }
      const parsed = parseCommandInput(settings, msg, t);
      if (!parsed.ok) return done(parsed.error);
      const client = room.client;
      if (!client) return done(new NodeCommandError('NOT_CONNECTED', t('errors.notAttached')));

      const { method, params, timeoutMs } = parsed.value;
      const pending = pendingByRoom.get(room) ?? 0;
      if (pending >= maxPending) {
        return done(new NodeCommandError('QUEUE_FULL', t('errors.queueFull', { method, count: pending })));
      }
      const useOutcome = waitForOutcome && hasOutcome(method);
      const options: RequestOptions =
        timeoutMs !== undefined
          ? { strict, timeoutMs, signal: closing.signal }
          : useOutcome
            ? { strict, timeoutMs: outcomeTimeoutMs, signal: closing.signal }
            : { strict, signal: closing.signal };
      const entry: InFlight = { method, room, done, settled: false };
      inFlight.add(entry);
      pendingByRoom.set(room, pending + 1);

      // One promise layer between the Room's answer and send()/done() (a second .then cost a promise and a tick).
      const fail = (err: unknown): void => {
        if (!settle(entry)) return;
        // Cancelled by close(): say in the user's language whether the command had gone out.
        const error =
          closing.signal.aborted && isRoomError(err) && err.code === 'CLOSED'
            ? new NodeCommandError(
                'CLOSED',
                t(err.sent === false ? 'errors.closedUnsent' : 'errors.closed', { method }),
              )
            : toNodeError(err);
        // Room-side failures: the Room's own words go to the Catch node with the error.
        if (error.response !== undefined && (error.code === 'ROOM_ERROR' || error.code === 'OUTCOME_FAILED'))
          msg.payload = error.response;
        // Accepted but no outcome in time: the immediate response still tells the flow the Room took it.
        else if (error.response !== undefined && error.code === 'TIMEOUT') msg.response = error.response;
        done(error);
      };
      if (useOutcome) {
        entry.ended = client.requestOutcome(method, params, options).then(({ response, outcome }) => {
          if (!settle(entry)) return;
          msg.payload = outcome;
          msg.response = response;
          send(msg);
          done();
        }, fail);
      } else {
        entry.ended = client.request(method, params, options).then((response) => {
          if (!settle(entry)) return;
          msg.payload = response;
          send(msg);
          done();
        }, fail);
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      // Cancel in the pooled client (it outlives this node): each request rejects at once with CLOSED, saying
      // whether it had been sent, and one still queued never reaches the Room.
      const pending = [...inFlight];
      closing.abort();
      void Promise.allSettled(pending.map((e) => e.ended)).then(() => {
        for (const entry of pending) {
          if (settle(entry)) entry.done(new NodeCommandError('CLOSED', t('errors.closed', { method: entry.method })));
        }
        attachment.detach();
        done();
      });
    });
  }

  RED.nodes.registerType('room-command', RoomCommand);
};
