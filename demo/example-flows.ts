import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The importable examples (examples/*.json) as flows: read them, point their room-config and mqtt-broker
 * nodes at a given Room and broker, and give each its own tab. Used by `npm start` and the end-to-end tests,
 * so both run exactly what a user imports.
 */

export type FlowNode = { id: string; type: string; z?: string; [key: string]: unknown };

export interface Targets {
  /** Room web port (discovery). */
  webPort: number;
  /** Room WebSocket port; when set, discovery is skipped. Default: keep the example's (empty = discover). */
  wsPort?: number;
  /** MQTT broker port. */
  mqttPort?: number;
  /** Host of both. Default 127.0.0.1. */
  host?: string;
  /** Web ports of room-configs by name (the building's rooms); other room-configs get `webPort`. */
  roomPorts?: Record<string, number>;
}

/** examples/ of this package (works from src/ and from dist/src/). */
export function examplesDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'examples');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`examples folder not found above ${__dirname}`);
}

/** Example names (file names without .json) in menu order. */
export function exampleNames(dir = examplesDir()): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadExample(name: string, dir = examplesDir()): FlowNode[] {
  const file = path.join(dir, `${name}.json`);
  const nodes: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(nodes)) throw new Error(`${file}: an example must be a JSON array of nodes`);
  return nodes as FlowNode[];
}

/** Config nodes have no wires and no position; everything an example draws on its tab has both. */
export function isConfigNode(node: FlowNode): boolean {
  return !('wires' in node) && !('x' in node);
}

/** A copy of `nodes` whose room-config and mqtt-broker nodes point at `targets`. */
export function pointAt(nodes: FlowNode[], targets: Targets): FlowNode[] {
  const host = targets.host ?? '127.0.0.1';
  return nodes.map((node) => {
    const copy: FlowNode = { ...node };
    if (node.type === 'room-config') {
      copy.host = host;
      const own = typeof node.name === 'string' ? targets.roomPorts?.[node.name] : undefined;
      copy.port = own ?? targets.webPort;
      if (targets.wsPort !== undefined) copy.wsPort = targets.wsPort;
    } else if (node.type === 'mqtt-broker' && targets.mqttPort !== undefined) {
      copy.broker = host;
      copy.port = String(targets.mqttPort);
    }
    return copy;
  });
}

/** The example's nodes on a tab of its own (labelled with its name); config nodes stay global. */
export function onTab(name: string, nodes: FlowNode[]): FlowNode[] {
  const drawn = nodes.filter((n) => !isConfigNode(n));
  const tabId = (drawn.find((n) => typeof n.z === 'string' && n.z)?.z as string | undefined) ?? `tab-${slug(name)}`;
  const about = nodes.find((n) => n.type === 'comment');
  const tab: FlowNode = {
    id: tabId,
    type: 'tab',
    label: name.replace(/^\d+\s+/, ''),
    disabled: false,
    info: typeof about?.info === 'string' ? about.info : '',
    env: [],
  };
  return [
    tab,
    ...nodes.map((n) => {
      if (isConfigNode(n)) {
        const { z: _z, ...global } = n;
        return global as FlowNode;
      }
      return { ...n, z: tabId };
    }),
  ];
}

/**
 * All examples as one flows file: one tab each, shared config nodes (same id in every example, so one Room
 * connection and one broker connection) kept once.
 */
export function allExampleFlows(
  targets: Targets,
  dir = examplesDir(),
  include: (name: string, nodes: FlowNode[]) => boolean = () => true,
): FlowNode[] {
  const seen = new Set<string>();
  const flows: FlowNode[] = [];
  for (const name of exampleNames(dir)) {
    if (!include(name, loadExample(name, dir))) continue;
    for (const node of onTab(name, pointAt(loadExample(name, dir), targets))) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      flows.push(node);
    }
  }
  return flows;
}

/** Whether an example needs FlowFuse Dashboard 2.0 (its nodes are the `ui-*` types). */
export function usesDashboard(nodes: FlowNode[]): boolean {
  return nodes.some((n) => n.type.startsWith('ui-'));
}

/** The dashboard pages of these flows, as paths from the Node-RED root: `ui-base` path + `ui-page` path. */
export function dashboardPaths(flows: FlowNode[]): string[] {
  const bases = new Map(flows.filter((n) => n.type === 'ui-base').map((n) => [n.id, String(n.path ?? '/dashboard')]));
  return flows
    .filter((n) => n.type === 'ui-page' && typeof n.ui === 'string' && bases.has(n.ui))
    .map((n) => `${bases.get(n.ui as string)!.replace(/\/$/, '')}${String(n.path)}`);
}

/** Ids of the room-command and room-event nodes: the ones whose status says whether the Room is connected. */
export function roomNodeIds(flows: FlowNode[]): string[] {
  return flows.filter((n) => n.type === 'room-command' || n.type === 'room-event').map((n) => n.id);
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
