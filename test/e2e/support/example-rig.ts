import { loadExample, onTab, pointAt, roomNodeIds, type FlowNode } from '../../../demo/example-flows';
import { RoomEmulator, type RoomEmulatorOptions } from '../../../src/emulator';
import { startBroker, type BrokerKind, type MqttBroker } from '../../support/mqtt-broker';
import { startNodeRed, type NodeRedProcess } from '../../support/node-red-process';
import { connectEditorComms, type EditorComms } from './editor-comms';

/**
 * One example as a user runs it: the emulated Room, a real MQTT broker over TCP (when the example uses
 * MQTT), and a real Node-RED process with the example file deployed, its config nodes pointed at them.
 * The editor's comms socket shows what the user would see (debug sidebar, node status).
 */

export interface ExampleRig {
  emulator: RoomEmulator;
  broker?: MqttBroker;
  nodeRed: NodeRedProcess;
  comms: EditorComms;
  flows: FlowNode[];
  /** The node with this name (throws when the example has none). */
  node(name: string): FlowNode;
  stop(): Promise<void>;
}

export interface RigOptions {
  broker?: BrokerKind;
  emulator?: RoomEmulatorOptions;
  /** Changes a user would make in the editor before deploying (e.g. a shorter timer). */
  edit?: (flows: FlowNode[], find: (name: string) => FlowNode) => void;
}

function finder(flows: FlowNode[]): (name: string) => FlowNode {
  return (name) => {
    const node = flows.find((n) => n.name === name);
    if (!node) throw new Error(`the example has no node named "${name}"`);
    return node;
  };
}

export async function startExample(example: string, options: RigOptions = {}): Promise<ExampleRig> {
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    const emulator = new RoomEmulator({ webPort: 0, wsPort: 0, ...options.emulator });
    await emulator.start();
    cleanup.push(() => emulator.stop());

    const raw = loadExample(example);
    const usesMqtt = raw.some((n) => n.type === 'mqtt-broker');
    let broker: MqttBroker | undefined;
    if (usesMqtt) {
      broker = await startBroker({ kind: options.broker ?? 'aedes' });
      cleanup.push(() => broker!.stop());
    }

    const flows = onTab(example, pointAt(raw, { webPort: emulator.webPort, mqttPort: broker?.port }));
    const find = finder(flows);
    options.edit?.(flows, find);

    const nodeRed = await startNodeRed({ flows });
    cleanup.push(() => nodeRed.stop());
    const comms = await connectEditorComms(nodeRed.url);
    cleanup.push(() => comms.close());
    // The user's first check: every room node green (connected to the Room).
    await comms.waitForFill(roomNodeIds(flows), 'green', 30000);
    if (broker) await nodeRed.waitForLog(/Connected to broker/, 15000, 0);

    return { emulator, broker, nodeRed, comms, flows, node: find, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
