/*
 * `npm start`: the TrueConf Room emulator, an MQTT broker (aedes) and Node-RED with this package and every
 * example flow deployed against them, in this one process, all on 127.0.0.1. Ctrl-C stops everything.
 *
 * Environment (all optional):
 *   PORT                      Node-RED editor port (default 1880)
 *   TRUECONF_DEMO_WEB_PORT    Room emulator web port: status page and config.json discovery (default 8080)
 *   TRUECONF_DEMO_WS_PORT     Room emulator WebSocket port (default 8765; moves to the next free one, like a Room)
 *   TRUECONF_DEMO_MQTT_PORT   MQTT broker port (default 1883)
 *   TRUECONF_DEMO_DIR         Node-RED user directory (default .demo/ in this repository, git-ignored)
 *   TRUECONF_DEMO_LOG_FRAMES  1 = also print the Room's API frames here (the status page always shows them)
 * A port given explicitly must be free; a default port that is taken falls back to a free one (printed).
 * The building's rooms (example 06) take the web ports after the Room's, each moving up past a taken one.
 * Type "away" + Enter to make the Room unreachable for 10 s (watch the connection watchdog example).
 */
import path from 'node:path';
import { PortBusyError, startDemo, type Demo, type DemoOptions } from './demo';
import type { PortChoice, PortFallback } from './listen';

// Compiled to dist/demo/start.js: the repository is two levels up.
const root = path.resolve(__dirname, '..', '..');

function portChoice(envName: string, defaultPort: number, what: string, fallback: PortFallback): PortChoice {
  const raw = process.env[envName];
  if (raw === undefined || raw.trim() === '') return { port: defaultPort, fallback, what };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo: ${envName}=${JSON.stringify(raw)} is not a port number (0-65535)`);
    process.exit(2);
  }
  return { port, fallback: 'fail', what: `${what} (${envName})` };
}

const print = (line: string) => console.log(line);
const options: DemoOptions = {
  packageDir: root,
  userDir: path.resolve(process.env.TRUECONF_DEMO_DIR || path.join(root, '.demo')),
  editor: portChoice('PORT', 1880, 'Node-RED editor', 'any'),
  web: portChoice('TRUECONF_DEMO_WEB_PORT', 8080, 'Room web port', 'any'),
  // The Room itself moves a busy WebSocket port to the next free one; the config nodes find it by discovery.
  ws: portChoice('TRUECONF_DEMO_WS_PORT', 8765, 'Room WebSocket port', 'next'),
  mqtt: portChoice('TRUECONF_DEMO_MQTT_PORT', 1883, 'MQTT broker', 'next'),
  logFrames: process.env.TRUECONF_DEMO_LOG_FRAMES === '1',
  logLevel: 'info',
  print,
};

let demo: Demo | undefined;
let stopping: Promise<void> | undefined;
let firstSignalAt = 0;
function stop(signal: string) {
  if (stopping) {
    // npm forwards the terminal's Ctrl-C to this process, so one key press can arrive twice: only a
    // later, deliberate second Ctrl-C means "do not wait".
    if (Date.now() - firstSignalAt < 1000) return;
    console.log('demo: stopping now');
    process.exit(130);
  }
  firstSignalAt = Date.now();
  console.log(`\ndemo: ${signal}: stopping Node-RED, the broker and the Room emulator...`);
  // Whatever hangs, the demo ends.
  setTimeout(() => {
    console.error('demo: could not stop cleanly within 15 s; exiting');
    process.exit(1);
  }, 15000).unref();
  stopping = (demo ? demo.stop() : Promise.resolve()).then(
    () => {
      console.log('demo: stopped');
      process.exit(0);
    },
    (err: unknown) => {
      console.error(`demo: error while stopping: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

function listenForCommands() {
  if (!process.stdin.isTTY) return;
  process.stdin.setEncoding('utf8');
  let buffered = '';
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const command = buffered.slice(0, nl).trim().toLowerCase();
      buffered = buffered.slice(nl + 1);
      if (command === 'away' && demo) {
        console.log('demo: the Room is unreachable for 10 s...');
        void demo.takeRoomAway(10000).then(() => console.log('demo: the Room is back'));
      } else if (command) {
        console.log('demo: commands: "away" (Room unreachable for 10 s); Ctrl-C stops the demo');
      }
    }
  });
}

async function main() {
  console.log('demo: starting the Room emulator, an MQTT broker and Node-RED...');
  try {
    demo = await startDemo(options);
  } catch (err) {
    if (err instanceof PortBusyError)
      console.error(`demo: ${err.message}; choose another with the variable named above`);
    else console.error(`demo: could not start: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  }
  if (stopping) return;
  const lines = [
    '',
    '  TrueConf Room demo',
    `  Node-RED editor    ${demo.editorUrl}/`,
    ...demo.dashboardUrls.map((url) => `  Touch panel        ${url}   (FlowFuse Dashboard 2.0)`),
    `  Room status page   ${demo.roomUrl}   (WebSocket API on port ${demo.wsPort})`,
    `  Building rooms     ${demo.building.map((r) => `${r.name} ${r.url}`).join('  ')}`,
    `  MQTT broker        ${demo.mqttUrl}`,
    `  Node-RED user dir  ${options.userDir}`,
    '  Try:  mosquitto_sub -h 127.0.0.1 -p ' + demo.mqttPort + ' -t "trueconf/#" -v',
    '        mosquitto_pub -h 127.0.0.1 -p ' + demo.mqttPort + ` -t trueconf/room1/cmd/call -m '{"peerId":"echo"}'`,
    '        mosquitto_pub -h 127.0.0.1 -p ' +
      demo.mqttPort +
      ` -t trueconf/huddle/cmd/call -m '{"peerId":"echo"}'` +
      '   (the building: one flow, every room)',
    ...(process.stdin.isTTY
      ? ['  Type "away" + Enter: the Room is unreachable for 10 s (watch the Connection watchdog tab).']
      : []),
    '  Ctrl-C stops everything.',
    '',
  ];
  const moved = (
    [
      [options.editor, demo.editorPort],
      [options.web, demo.webPort],
      [options.ws, demo.wsPort],
      [options.mqtt, demo.mqttPort],
    ] as const
  )
    .filter(([choice, port]) => choice.port !== 0 && choice.port !== port)
    .map(([choice, port]) => `  (${choice.what}: ${choice.port} was taken, using ${port})`);
  console.log([...lines.slice(0, -2), ...moved, ...lines.slice(-2)].join('\n'));
  const result = await demo.allRoomNodesGreen(30000);
  if (stopping) return;
  if (result.waiting.length === 0) {
    console.log(`demo ready: all ${result.total} room nodes connected`);
  } else {
    console.log(
      `demo: only ${result.green} of ${result.total} room nodes connected after 30 s; not green: ${result.waiting.join(', ')}`,
    );
  }
  listenForCommands();
}

void main();
