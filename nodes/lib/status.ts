import type { ConnectionSnapshot } from './config-api';
import type { Translate } from './i18n';
import type { NodeStatus } from './node-red';

/**
 * One mapping from connection state (+ the Room's appState) to the status shown under room-command and
 * room-event nodes, so both node types always agree.
 */

// appState (catalogue appStates): 0 none, 1 connect, 2 login, 3 normal, 4 wait, 5 conference, 6 close.
const APP_STATE_KEYS: Record<number, string> = {
  0: 'status.notLoggedIn',
  1: 'status.notLoggedIn',
  2: 'status.notLoggedIn',
  3: 'status.idle',
  4: 'status.calling',
  5: 'status.inConference',
  6: 'status.endingCall',
};

const MAX_REASON = 30;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function noConfigStatus(t: Translate): NodeStatus {
  return { fill: 'grey', shape: 'ring', text: t('status.noConfig') };
}

export function statusFor(snapshot: ConnectionSnapshot, t: Translate): NodeStatus {
  if (snapshot.configError !== undefined) {
    return {
      fill: 'red',
      shape: 'ring',
      text: t('status.invalidConfig', { reason: shorten(snapshot.configError, MAX_REASON) }),
    };
  }
  switch (snapshot.state) {
    case 'idle':
    case 'discovering':
    case 'connecting':
    case 'authenticating':
      return { fill: 'yellow', shape: 'ring', text: t('node-red:common.status.connecting') };
    case 'ready': {
      const key = snapshot.appState === undefined ? undefined : APP_STATE_KEYS[snapshot.appState];
      return { fill: 'green', shape: 'dot', text: key ? t(key) : t('node-red:common.status.connected') };
    }
    case 'backoff': {
      const seconds = snapshot.retryInMs === undefined ? undefined : Math.max(1, Math.round(snapshot.retryInMs / 1000));
      return {
        fill: 'red',
        shape: 'ring',
        text: seconds === undefined ? t('status.unreachable') : t('status.unreachableRetry', { seconds }),
      };
    }
    case 'auth-failed':
      return { fill: 'red', shape: 'ring', text: t('status.authFailed') };
    case 'displaced':
      return { fill: 'yellow', shape: 'dot', text: t('status.displaced') };
    case 'closed':
    default:
      return { fill: 'grey', shape: 'ring', text: t('node-red:common.status.disconnected') };
  }
}

/** Sets a node's status only when it changed, so appState churn does not flood the editor's comms. */
export function statusSetter(setStatus: (status: NodeStatus) => void): (status: NodeStatus) => void {
  let last = '';
  return (status) => {
    const key = `${status.fill}|${status.shape}|${status.text}`;
    if (key === last) return;
    last = key;
    setStatus(status);
  };
}

/** The kinds a fleet status counts, in the order it lists them. */
const FLEET_KINDS = [
  'ready',
  'connecting',
  'unreachable',
  'authFailed',
  'displaced',
  'invalidConfig',
  'closed',
] as const;
type FleetKind = (typeof FLEET_KINDS)[number];

function fleetKind(snapshot: ConnectionSnapshot): FleetKind {
  if (snapshot.configError !== undefined) return 'invalidConfig';
  switch (snapshot.state) {
    case 'ready':
      return 'ready';
    case 'backoff':
      return 'unreachable';
    case 'auth-failed':
      return 'authFailed';
    case 'displaced':
      return 'displaced';
    case 'closed':
      return 'closed';
    default:
      return 'connecting';
  }
}

/**
 * The status of a node that serves every deployed room: counts, e.g. "12 rooms: 11 ready, 1 unreachable".
 * Green when all are ready, red when any is unreachable or rejects the credentials, yellow otherwise.
 */
export function fleetStatus(snapshots: Iterable<ConnectionSnapshot>, t: Translate): NodeStatus {
  const counts = new Map<FleetKind, number>();
  let total = 0;
  for (const snapshot of snapshots) {
    const kind = fleetKind(snapshot);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    total++;
  }
  if (total === 0) return { fill: 'grey', shape: 'ring', text: t('status.fleetEmpty') };
  const parts = FLEET_KINDS.filter((kind) => counts.has(kind))
    .map((kind) => t('status.fleetPart', { count: counts.get(kind), state: t(`status.fleetKind.${kind}`) }))
    .join(', ');
  const text = t(total === 1 ? 'status.fleetOne' : 'status.fleet', { count: total, parts });
  const ready = counts.get('ready') ?? 0;
  if (ready === total) return { fill: 'green', shape: 'dot', text };
  const red = (counts.get('unreachable') ?? 0) + (counts.get('authFailed') ?? 0) + (counts.get('invalidConfig') ?? 0);
  return { fill: red > 0 ? 'red' : 'yellow', shape: 'ring', text };
}
