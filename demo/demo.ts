import { RoomEmulator, RoomFleet } from '../src/emulator';
import { startEmbeddedNodeRed, type EmbeddedNodeRed } from './embedded-node-red';
import { allExampleFlows, dashboardPaths, roomNodeIds, usesDashboard, type FlowNode } from './example-flows';
import { bindWithFallback, PortBusyError, type PortChoice } from './listen';
import { startDemoBroker, type DemoBroker } from './mqtt-broker';

/**
 * `npm start`: the Room emulator, an MQTT broker and Node-RED with every example deployed against them,
 * all in this process, all on 127.0.0.1.
 */

export interface DemoOptions {
  packageDir: string;
  /** Node-RED user directory (flows, context): git-ignored `.demo/` by default. */
  userDir: string;
  editor: PortChoice;
  web: PortChoice;
  ws: PortChoice;
  mqtt: PortChoice;
  /** Node-RED console log level. */
  logLevel?: string;
  /** Echo the emulator's API frames to the console. */
  logFrames?: boolean;
  print: (line: string) => void;
}

export interface Demo {
  editorUrl: string;
  /** The touch panel's page(s) (FlowFuse Dashboard 2.0); empty when the dashboard is not installed. */
  dashboardUrls: string[];
  editorPort: number;
  roomUrl: string;
  mqttUrl: string;
  webPort: number;
  wsPort: number;
  mqttPort: number;
  /** The building example's emulated rooms: name and status page. */
  building: { name: string; url: string }[];
  flows: FlowNode[];
  /** Resolves with the number of room nodes once every one of them shows a green status. */
  allRoomNodesGreen(timeoutMs: number): Promise<{ green: number; total: number; waiting: string[] }>;
  /** Makes the Room unreachable for `ms` (connections dropped and refused), to watch the watchdog example. */
  takeRoomAway(ms: number): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** The room-config names of example 06 (Building over MQTT). */
const BUILDING_ROOMS = ['boardroom', 'huddle', 'training'];

export { PortBusyError };

export async function startDemo(options: DemoOptions): Promise<Demo> {
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) {
      await stop().catch((err: unknown) => options.print(`demo: error while stopping: ${String(err)}`));
    }
  };
  try {
    const broker: DemoBroker = await startDemoBroker(options.mqtt, HOST);
    stack.push(() => broker.stop());

    const emulatorOptions = (webPort: number, wsPort: number) => ({
      host: HOST,
      webPort,
      wsPort,
      // The scripted far ends come from the emulator's own rules by id: "echo" answers, "busy" is busy,
      // "decline" declines, "nobody" never answers (after ringTimeoutMs).
      ringTimeoutMs: 20000,
      log: options.logFrames ? (line: string) => options.print(`[room] ${line}`) : undefined,
    });
    const emulator = await startEmulator(options.web, options.ws.port, emulatorOptions);
    const webPort = emulator.webPort;
    const wsPort = emulator.wsPort;
    stack.push(() => emulator.stop());

    // The building example's rooms, each its own emulated Room, on the web ports after the demo Room's.
    const building = new RoomFleet({
      names: BUILDING_ROOMS,
      firstWebPort: webPort + 1,
      room: emulatorOptions(0, 0),
    });
    await building.start();
    stack.push(() => building.stop());
    const roomPorts = Object.fromEntries(building.rooms.map(({ name, room }) => [name, room.webPort]));

    // Every example, pointed at this Room (discovery through the web port) and this broker; the building's
    // room-configs at its rooms. The touch panel needs FlowFuse Dashboard 2.0 (a devDependency); without
    // it, its unknown node types would hold back every flow, so it is left out.
    const dashboard = dashboardInstalled();
    if (!dashboard)
      options.print('demo: @flowfuse/node-red-dashboard is not installed: the touch panel example is left out');
    const flows = allExampleFlows(
      { webPort, mqttPort: broker.port, host: HOST, roomPorts },
      undefined,
      (_name, nodes) => dashboard || !usesDashboard(nodes),
    );
    const ids = roomNodeIds(flows);
    const nodeRed: EmbeddedNodeRed = await startEmbeddedNodeRed({
      port: options.editor,
      host: HOST,
      userDir: options.userDir,
      flows,
      packageDir: options.packageDir,
      logLevel: options.logLevel,
      onFlowsBackedUp: (file) =>
        options.print(
          `demo: flows.json from last time (your edits, or other ports) is kept as ${file}; the examples replace it`,
        ),
    });
    stack.push(() => nodeRed.stop());

    const waiting = () => ids.filter((id) => nodeRed.statuses.get(id)?.fill !== 'green');
    return {
      editorUrl: nodeRed.url,
      dashboardUrls: dashboardPaths(flows).map((p) => nodeRed.url + p),
      editorPort: nodeRed.port,
      roomUrl: `http://${HOST}:${webPort}/`,
      mqttUrl: broker.url,
      webPort,
      wsPort,
      mqttPort: broker.port,
      building: building.rooms.map(({ name, room }) => ({ name, url: room.webUrl })),
      flows,
      allRoomNodesGreen(timeoutMs) {
        return new Promise((resolve) => {
          const finish = () => {
            clearTimeout(timer);
            nodeRed.events.off('status', check);
            const left = waiting();
            resolve({ green: ids.length - left.length, total: ids.length, waiting: left });
          };
          const check = () => {
            if (waiting().length === 0) finish();
          };
          const timer = setTimeout(finish, timeoutMs);
          nodeRed.events.on('status', check);
          check();
        });
      },
      async takeRoomAway(ms) {
        emulator.faults.refuseConnections(true);
        emulator.faults.dropConnections();
        await new Promise((resolve) => setTimeout(resolve, ms));
        emulator.faults.refuseConnections(false);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Node-RED finds the dashboard where this process resolves it: the package's own node_modules. */
function dashboardInstalled(): boolean {
  try {
    require.resolve('@flowfuse/node-red-dashboard/package.json');
    return true;
  } catch {
    return false;
  }
}

/** The web port is the one users type (and config nodes use): it follows `web`'s fallback policy. The
 * WebSocket port moves to the next free one by itself, like the Room's. */
async function startEmulator(
  web: PortChoice,
  wsPort: number,
  make: (webPort: number, wsPort: number) => ConstructorParameters<typeof RoomEmulator>[0],
): Promise<RoomEmulator> {
  let emulator: RoomEmulator | undefined;
  await bindWithFallback(web, async (webPort) => {
    const candidate = new RoomEmulator(make(webPort, wsPort));
    try {
      await candidate.start();
    } catch (err) {
      await candidate.stop().catch(() => undefined);
      throw err;
    }
    emulator = candidate;
    return candidate.webPort;
  });
  return emulator!;
}
