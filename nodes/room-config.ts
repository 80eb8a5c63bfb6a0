import type { EndpointOptions, Logger, Unsubscribe } from '../src/protocol';
import { describeEndpoint, endpointKey, resolveEndpoint, sharedPool, type RoomClient } from '../src/protocol';
import { registerAdminRoutes } from './lib/admin-routes';
import type { ConnectionSnapshot, RoomConfigApi, SnapshotListener } from './lib/config-api';
import { parseEndpoint, type RoomConfigProperties } from './lib/endpoint-config';
import { translator } from './lib/i18n';
import type { NodeDef, NodeRedApi, RuntimeNode } from './lib/node-red';
import { RoomConnection } from './lib/room-connection';
import { deployedRooms, roomNameOf } from './lib/room-registry';
import { settingDeclarations, tuningFromSettings } from './lib/settings';

type RoomConfigDef = NodeDef & RoomConfigProperties;

interface RoomConfigNode extends RuntimeNode, Omit<RoomConfigApi, 'type' | 'id'> {}

/** A Logger that writes through the config node, so log lines carry the node's id and name. */
function nodeLogger(node: RuntimeNode): Logger {
  return {
    debug: (m) => node.debug(m),
    info: (m) => node.log(m),
    warn: (m) => node.warn(m),
    error: (m) => node.error(m),
  };
}

export = function (RED: NodeRedApi): void {
  const t = translator(RED, 'room-config');
  // Deployed config nodes (lib/room-registry): duplicates to warn about (copy/paste/import creates them),
  // the admin routes' live lists, and the rooms msg.room may pick.
  const deployed = deployedRooms.deployed;
  function RoomConfig(this: RoomConfigNode, def: RoomConfigDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    node.name = def.name;
    const roomName = roomNameOf(def.name, node.id);
    if (deployedRooms.named(roomName).length > 0) node.warn(t('errors.duplicateName', { name: roomName }));
    // Flows put the room's name into MQTT topics ({room}, trueconf/<room>/...): these characters would add a
    // topic level or a wildcard there.
    if (/[/+#]/.test(roomName)) node.warn(t('errors.nameNotTopicSafe', { name: roomName }));

    const parsed = parseEndpoint(def, node.credentials, t);
    const configError = parsed.ok ? undefined : parsed.reason;
    const endpoint = parsed.ok ? parsed.endpoint : undefined;
    if (configError !== undefined) node.error(t('errors.invalidConfig', { reason: configError }));

    const { tuning, problems } = tuningFromSettings(RED.settings);
    for (const p of problems)
      node.warn(t('errors.settingInvalid', { name: p.name, rule: p.rule, fallback: p.fallback }));

    const connection = new RoomConnection(endpoint, configError, tuning, nodeLogger(node));
    if (endpoint) {
      const key = endpointKey(endpoint);
      for (const other of deployed.values()) {
        if (other.endpoint && endpointKey(other.endpoint) === key) {
          // Under another name this is likely a copy-paste slip in a building: both names drive one Room.
          if (other.roomName !== roomName)
            node.warn(t('errors.sameRoomOtherName', { name: roomName, other: other.roomName }));
          else node.log(t('errors.duplicateEndpoint', { other: other.id }));
          break;
        }
      }
      node.debug(describeEndpoint(resolveEndpoint(endpoint)));
    }

    const api: Omit<RoomConfigApi, 'id' | 'type'> = {
      get roomName(): string {
        return roomName;
      },
      get configError(): string | undefined {
        return connection.configError;
      },
      get endpoint(): EndpointOptions | undefined {
        return endpoint;
      },
      get client(): RoomClient | undefined {
        return connection.client;
      },
      register(user: RuntimeNode): void {
        connection.register(user.id);
      },
      deregister(user: RuntimeNode): void {
        connection.deregister(user.id);
      },
      onState(listener: SnapshotListener): Unsubscribe {
        return connection.onState(listener);
      },
      snapshot(): ConnectionSnapshot {
        return connection.snapshot();
      },
    };
    // Define as accessors on the node itself: user nodes reach them through RED.nodes.getNode(id).
    Object.defineProperties(node, Object.getOwnPropertyDescriptors(api));
    deployedRooms.add(node as unknown as RoomConfigApi);

    node.on('close', (removed: boolean, done: () => void) => {
      deployedRooms.remove(node as unknown as RoomConfigApi);
      connection.close();
      // A deleted config node has no successor to hand the socket to: the pool closes it now unless a lease
      // (another config node's users) still holds it. A redeployed one is left to the pool's grace period.
      if (removed && endpoint) void sharedPool.closeIfUnused(endpoint);
      done();
    });
  }

  RED.nodes.registerType('room-config', RoomConfig, {
    credentials: { secret: { type: 'password' } },
    settings: settingDeclarations(),
  });

  registerAdminRoutes(RED, { deployed, translate: t });
};
