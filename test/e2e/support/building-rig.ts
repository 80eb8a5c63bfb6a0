import { loadExample, onTab, pointAt, type FlowNode } from '../../../demo/example-flows';
import type { RoomEmulator } from '../../../src/emulator';
import type { MqttPanel, Received } from './mqtt-panel';

/** Example "06 Building over MQTT" as a facility team deploys it: its flow, and one room-config per room. */
export const BUILDING = '06 Building over MQTT';

export interface BuildingRoom {
  name: string;
  room: RoomEmulator;
}

export interface RoomState {
  connected: boolean;
  appState: number | null;
  inConference: boolean;
  confId: string | null;
  participants: number;
}

/** A Room config as the editor saves it, named for routing (its name is the room's name in the topics). */
export function roomConfigFor({ name, room }: BuildingRoom): FlowNode {
  return {
    id: `cfg-${name}`,
    type: 'room-config',
    name,
    host: '127.0.0.1',
    port: room.webPort,
    wsPort: '',
    instance: 'default',
    apiVersion: '2',
    authType: 'unsecured',
    role: '',
    tls: false,
    tlsInsecure: false,
  };
}

export interface BuildingFlowOptions {
  rooms: BuildingRoom[];
  mqttPort: number;
  /** This Node-RED's index topic, set where the example's help says (INDEX and the broker's will/close topics). */
  index?: string;
  /** Further edits a user would make in the editor. */
  edit?: (find: (name: string) => FlowNode) => void;
}

/** The example's flow, its three sample room-configs replaced by one per room given. */
export function buildingFlows(options: BuildingFlowOptions): FlowNode[] {
  const raw = loadExample(BUILDING).filter((n) => n.type !== 'room-config');
  const flows = onTab(BUILDING, pointAt(raw, { webPort: 0, mqttPort: options.mqttPort }));
  const find = (name: string): FlowNode => {
    const node = flows.find((n) => n.name === name);
    if (!node) throw new Error(`the building example has no node named "${name}"`);
    return node;
  };
  if (options.index !== undefined) {
    const broker = find('Building broker');
    broker.willTopic = options.index;
    broker.closeTopic = options.index;
    const track = find('track room states');
    track.func = String(track.func).replace("const INDEX = 'trueconf/rooms';", `const INDEX = '${options.index}';`);
    if (!String(track.func).includes(options.index)) throw new Error('INDEX line not found in track room states');
  }
  options.edit?.(find);
  return [...flows, ...options.rooms.map(roomConfigFor)];
}

/** The first message on `topic` after the panel's record stood at `since` that matches. */
export function after(
  panel: MqttPanel,
  since: number,
  topic: string,
  match: (payload: unknown) => boolean,
  timeoutMs = 30000,
): Promise<Received> {
  return panel.waitFor(topic, (p, m) => panel.received.indexOf(m) >= since && match(p), timeoutMs);
}

/**
 * A panel sends getMicMute to each room through the broker alone; resolves once every room has answered on
 * its response topic, with how many of that method each Room received meanwhile (1 each when routing is right).
 */
export async function driveRooms(panel: MqttPanel, rooms: BuildingRoom[]): Promise<number[]> {
  const since = panel.received.length;
  const before = rooms.map(({ room }) => received(room, 'getMicMute'));
  await Promise.all(rooms.map(({ name }) => panel.publish(`trueconf/${name}/cmd/getMicMute`, '')));
  await Promise.all(
    rooms.map(({ name }) =>
      after(panel, since, `trueconf/${name}/response/getMicMute`, (p) => (p as { result?: boolean }).result === true),
    ),
  );
  return rooms.map(({ room }, i) => received(room, 'getMicMute') - before[i]!);
}

/** How many requests for `method` the Room received. */
export function received(room: RoomEmulator, method: string): number {
  return room.requests.filter((r) => r.frame.method === method).length;
}
