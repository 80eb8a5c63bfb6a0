import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDemoBroker } from '../../demo/mqtt-broker';
import { freePort, waitForPort } from './ports';

/**
 * A real MQTT broker on 127.0.0.1 for end-to-end tests: `aedes` embedded in the test process, or
 * Debian's `mosquitto` as a child process (what users most often run; .ci/run installs it).
 *
 *   const broker = await startBroker({ kind: 'mosquitto' });
 *   ... mqtt.connect(broker.url) ...
 *   await broker.stop();
 */

export type BrokerKind = 'aedes' | 'mosquitto';

export interface MqttBroker {
  kind: BrokerKind;
  /** mqtt://127.0.0.1:<port> */
  url: string;
  port: number;
  /** mosquitto's output so far (empty for aedes), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export const mosquittoBinary = '/usr/sbin/mosquitto';

/** Whether Debian's mosquitto is installed (`apt-get install mosquitto`). */
export function mosquittoAvailable(): boolean {
  try {
    fs.accessSync(mosquittoBinary, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function startBroker(options: { kind?: BrokerKind; readyTimeoutMs?: number } = {}): Promise<MqttBroker> {
  const kind = options.kind ?? 'aedes';
  return kind === 'mosquitto' ? startMosquitto(options.readyTimeoutMs ?? 15000) : startAedes();
}

/** The demo's embedded aedes broker, on a port the OS picks. */
async function startAedes(): Promise<MqttBroker> {
  const broker = await startDemoBroker({ port: 0, fallback: 'any', what: 'the test MQTT broker' });
  return { kind: 'aedes', url: broker.url, port: broker.port, log: () => '', stop: () => broker.stop() };
}

async function startMosquitto(readyTimeoutMs: number, attempt = 1): Promise<MqttBroker> {
  if (!mosquittoAvailable()) {
    throw new Error(`mosquitto is not installed at ${mosquittoBinary}; install it with: apt-get install mosquitto`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-mosquitto-'));
  const port = await freePort();
  const config = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      'log_type notice',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(mosquittoBinary, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  // Never leave a broker behind when the test process dies.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  const cleanup = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        exit,
        new Promise<void>((r) => (timer = setTimeout(() => (child.kill('SIGKILL'), r()), 5000))),
      ]);
      clearTimeout(timer);
      await exit;
    }
    process.off('exit', killOnExit);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForPort(port, { timeoutMs: readyTimeoutMs, isAlive: () => !exited });
  } catch (err) {
    await cleanup();
    // Another process may have taken the probed port before mosquitto bound it.
    if (attempt < 3 && /Address already in use/i.test(output)) return startMosquitto(readyTimeoutMs, attempt + 1);
    throw new Error(`mosquitto did not start: ${(err as Error).message}\n${output}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    kind: 'mosquitto',
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log: () => output,
    stop() {
      stopped ??= cleanup();
      return stopped;
    },
  };
}
