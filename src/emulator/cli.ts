#!/usr/bin/env node
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { appStateName } from '../protocol/catalogue';
import { describeDefaultPeers } from './peers';
import { RoomEmulator } from './room-emulator';
import { numberedRoomNames, RoomFleet } from './room-fleet';
import type { ModeAuth, RoomEmulatorOptions } from './types';

/**
 * `trueconf-room-emulator`: runs the Room emulator until Ctrl-C.
 * Defaults: web port 8080 (config.json and the status page) and WebSocket port 8765, which moves to the
 * next free port when busy, as the Room does.
 */

const HELP = `Usage: trueconf-room-emulator [options]

A TrueConf Room emulator: the WebSocket control API, config.json discovery and a status page.

Options:
  --host <addr>            bind address (default 127.0.0.1)
  --web-port <n>           web port: /public/<instance>/config.json and the status page (default 8080; 0 = any free)
  --ws-port <n>            WebSocket port (default 8765; the next free port is taken when busy; 0 = any free)
  --instance <name>        instance name in the config.json path (default "default")
  --product <room|videosdk>  room (default), or TrueConf VideoSDK: no access levels (no admin/user split)
  --admin-pin <pin>        protect the administrator mode with a PIN
  --admin-password <pw>    protect the administrator mode with a password
  --user-pin <pin>         protect the user mode with a PIN
  --user-password <pw>     protect the user mode with a password
  --app-state <0-3>        initial app state (default 3: logged in, idle; 0: not connected to a server)
  --ring-timeout <ms>      how long an unanswered call rings (default 30000)
  --answer-delay <ms>      how long an answering callee takes (default 50)
  --tls-key <file>         serve wss:// and https:// with this key ...
  --tls-cert <file>        ... and this certificate
  --rooms <n>              serve n Rooms (room1..roomN), each on its own web port from --web-port upward and
                           its own free WebSocket port: a building to point one room-config per room at
  --quiet                  do not print API frames
  -h, --help               show this help

Callees are scripted by id (what the far end does when the Room calls or invites it):
${describeDefaultPeers()
  .map((l) => `  ${l}`)
  .join('\n')}
`;

function fail(message: string): never {
  process.stderr.write(`trueconf-room-emulator: ${message}\n${'Try --help.'}\n`);
  process.exit(2);
}

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${name} must be a port number (0-65535)`);
  return n;
}

function int(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function modeAuth(pin: string | undefined, password: string | undefined, mode: string): ModeAuth | undefined {
  if (pin !== undefined && password !== undefined) fail(`give either --${mode}-pin or --${mode}-password, not both`);
  if (pin !== undefined) return pin ? { type: 'pin', secret: pin } : fail(`--${mode}-pin must not be empty`);
  if (password !== undefined)
    return password ? { type: 'password', secret: password } : fail(`--${mode}-password must not be empty`);
  return undefined;
}

function describeAuth(auth: ModeAuth | undefined): string {
  return auth ? `${auth.type} protected` : 'unsecured';
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        host: { type: 'string' },
        'web-port': { type: 'string' },
        'ws-port': { type: 'string' },
        instance: { type: 'string' },
        product: { type: 'string' },
        'admin-pin': { type: 'string' },
        'admin-password': { type: 'string' },
        'user-pin': { type: 'string' },
        'user-password': { type: 'string' },
        'app-state': { type: 'string' },
        'ring-timeout': { type: 'string' },
        'answer-delay': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-cert': { type: 'string' },
        rooms: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(HELP);
    return;
  }
  if (v.product !== undefined && v.product !== 'room' && v.product !== 'videosdk')
    fail('--product must be room or videosdk');
  const product: 'room' | 'videosdk' = v.product === 'videosdk' ? 'videosdk' : 'room';
  const admin = modeAuth(v['admin-pin'], v['admin-password'], 'admin');
  const user = modeAuth(v['user-pin'], v['user-password'], 'user');
  if ((v['tls-key'] === undefined) !== (v['tls-cert'] === undefined)) fail('--tls-key and --tls-cert go together');
  let tls: RoomEmulatorOptions['tls'];
  try {
    tls =
      v['tls-key'] && v['tls-cert']
        ? { key: fs.readFileSync(v['tls-key']), cert: fs.readFileSync(v['tls-cert']) }
        : undefined;
  } catch (err) {
    fail(`cannot read the TLS files: ${err instanceof Error ? err.message : String(err)}`);
  }
  const roomCount = int(v.rooms, '--rooms', 1, 1, 500);
  const shared = {
    host: v.host ?? '127.0.0.1',
    instance: v.instance ?? 'default',
    product,
    auth: { admin, user },
    appState: int(v['app-state'], '--app-state', 3, 0, 3),
    ringTimeoutMs: int(v['ring-timeout'], '--ring-timeout', 30_000, 0, 3_600_000),
    answerDelayMs: int(v['answer-delay'], '--answer-delay', 50, 0, 3_600_000),
    tls,
  };
  if (roomCount > 1) return serveBuilding(roomCount, port(v['web-port'], '--web-port', 8080), shared, v.quiet === true);
  const room = new RoomEmulator({
    ...shared,
    webPort: port(v['web-port'], '--web-port', 8080),
    wsPort: port(v['ws-port'], '--ws-port', 8765),
    log: v.quiet ? false : (line) => process.stdout.write(`${line}\n`),
  });
  try {
    await room.start();
  } catch (err) {
    fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.stdout.write(
    [
      `TrueConf ${product === 'videosdk' ? 'VideoSDK' : 'Room'} emulator running`,
      `  WebSocket    ${room.url}  (paths /, /v1, /v2)`,
      `  config.json  ${room.configUrl}`,
      `  status page  ${room.webUrl}`,
      product === 'videosdk'
        ? `  auth         one control mode (no access levels), ${describeAuth(admin)}`
        : `  auth         admin ${describeAuth(admin)}, user ${describeAuth(user)}`,
      `  app state    ${room.appState} (${appStateName(room.appState)}), room id ${room.roomId}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  stopOnSignals(() => room.stop());
}

/** Ctrl-C or SIGTERM stops cleanly (exit 0); a second signal exits at once. */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = () => {
    if (stopping) process.exit(1);
    stopping = true;
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** --rooms n: a building of Rooms in this one process, each line of the log prefixed with its room's name. */
async function serveBuilding(
  count: number,
  firstWebPort: number,
  shared: Omit<RoomEmulatorOptions, 'webPort' | 'wsPort' | 'log'>,
  quiet: boolean,
): Promise<void> {
  const names = numberedRoomNames(count);
  const fleet = new RoomFleet({ names, firstWebPort, room: { ...shared, log: false } });
  try {
    await fleet.start();
  } catch (err) {
    fail(`cannot start: ${err instanceof Error ? err.message : String(err)}`);
  }
  const lines = [`TrueConf Room emulator running ${count} Rooms`];
  for (const { name, room } of fleet.rooms) {
    lines.push(`  ${name.padEnd(8)} web port ${room.webPort}  ${room.url}  status ${room.webUrl}`);
    if (!quiet)
      room.on('request', (frame: { method?: unknown }) => process.stdout.write(`${name} <- ${String(frame.method)}\n`));
  }
  lines.push('Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n'));
  stopOnSignals(() => fleet.stop());
}

void main();
