/*
 * Pictures of the running demo for the README (`node dist/demo/screenshot.js`): starts the demo on free ports in a temporary
 * user directory, places a call over MQTT so there is something to see, and saves
 *   docs/images/demo-editor.png   the Node-RED editor on the MQTT wall panel example, room nodes green
 *   docs/images/room-status.png   the emulated Room's status page during the call
 * Needs Debian's Chromium (/usr/bin/chromium; apt-get install -y chromium) and a build (`npm run build`).
 * Not part of `npm test`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { chromium, type Page } from 'playwright-core';

// Compiled to dist/demo/screenshot.js: the repository is two levels up.
const root = path.resolve(__dirname, '..', '..');
const outDir = path.join(root, 'docs', 'images');
const CHROMIUM = '/usr/bin/chromium';

interface DemoUrls {
  editor?: string;
  room?: string;
  mqtt?: string;
}

function startDemo(dir: string) {
  const child = spawn(process.execPath, [path.join(__dirname, 'start.js')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      TRUECONF_DEMO_WEB_PORT: '0',
      TRUECONF_DEMO_WS_PORT: '0',
      TRUECONF_DEMO_MQTT_PORT: '0',
      TRUECONF_DEMO_DIR: dir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<DemoUrls>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo not ready within 90 s:\n${output}`)), 90000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (/demo ready: /.test(output) || /room nodes connected after/.test(output)) {
        clearTimeout(timer);
        const find = (re: RegExp) => (re.exec(output) || [])[1];
        resolve({
          editor: find(/^\s+Node-RED editor\s+(\S+)/m),
          room: find(/^\s+Room status page\s+(\S+)/m),
          mqtt: find(/^\s+MQTT broker\s+(\S+)/m),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited (${code}):\n${output}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
  return { ready, stop };
}

async function placeCall(mqttUrl: string) {
  const client = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0 });
  try {
    const answered = new Promise<void>((resolve) => {
      client.on('message', (topic, payload) => {
        if (topic.endsWith('/state') && (JSON.parse(payload.toString()) as { inConference?: boolean }).inConference)
          resolve();
      });
    });
    await client.subscribeAsync('trueconf/room1/state');
    await client.publishAsync('trueconf/room1/cmd/call', JSON.stringify({ peerId: 'echo' }));
    await answered;
  } finally {
    await client.endAsync();
  }
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fs.mkdirSync(outDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-demo-shot-'));
  const demo = startDemo(dir);
  let browser;
  try {
    const urls = await demo.ready;
    if (!urls.editor || !urls.room || !urls.mqtt) throw new Error('the demo did not print its addresses');
    await placeCall(urls.mqtt);
    await fetch(`${urls.room}actions/participant-joins?peerId=carol`, { method: 'POST' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 860 } });
    // Nothing but the demo on 127.0.0.1.
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());

    await page.goto(urls.editor);
    await page.waitForSelector('.red-ui-flow-node', { timeout: 60000 });
    await showTab(page, 'MQTT wall panel');
    // Show this package's nodes in the palette.
    await page.locator('#red-ui-palette-search input').pressSequentially('room');
    await page.waitForTimeout(1500); // let the canvas and the node statuses settle before the picture
    await page.screenshot({ path: path.join(outDir, 'demo-editor.png') });

    await page.goto(urls.room);
    await page.waitForFunction(() => document.querySelectorAll('#participants li').length > 0, null, {
      timeout: 30000,
    });
    await page.waitForTimeout(1000);
    await page.screenshot({ path: path.join(outDir, 'room-status.png'), fullPage: true });
    console.log(
      `saved ${path.relative(root, path.join(outDir, 'demo-editor.png'))} and ${path.relative(root, path.join(outDir, 'room-status.png'))}`,
    );
  } finally {
    if (browser) await browser.close();
    await demo.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Switches the editor to the tab with this label. */
function showTab(page: Page, label: string) {
  return page.evaluate((l) => {
    RED.nodes.eachWorkspace((ws) => {
      if (ws.label === l) RED.workspaces.show(ws.id);
    });
  }, label);
}

// Functions handed to page.evaluate run in the browser; this project compiles without the DOM library.
declare const document: { querySelectorAll(selector: string): ArrayLike<unknown> };
declare const RED: {
  nodes: { eachWorkspace(cb: (ws: { id: string; label: string }) => void): void };
  workspaces: { show(id: string): void };
};

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
