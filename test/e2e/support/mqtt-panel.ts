import { EventEmitter } from 'node:events';
import mqtt from 'mqtt';
import { waitUntil, withDeadline } from '../../support/wait';

/**
 * An MQTT client playing a wall panel or a sensor: publishes like one and records every message it
 * receives (topic, parsed payload, retain flag) in arrival order.
 */

export interface Received {
  topic: string;
  /** JSON-parsed when it parses, else the text. */
  payload: unknown;
  text: string;
  retain: boolean;
  at: number;
}

export interface MqttPanel {
  client: mqtt.MqttClient;
  received: Received[];
  events: EventEmitter;
  subscribe(topic: string): Promise<void>;
  publish(topic: string, payload: unknown, options?: { retain?: boolean }): Promise<void>;
  /** The first message on `topic` (received already, or still to come) matching `match`. */
  waitFor(
    topic: string,
    match?: (payload: unknown, message: Received) => boolean,
    timeoutMs?: number,
  ): Promise<Received>;
  close(): Promise<void>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function connectPanel(url: string, clientId: string): Promise<MqttPanel> {
  const client = await withDeadline(
    mqtt.connectAsync(url, {
      clientId: `${clientId}-${process.pid}-${Date.now()}`,
      reconnectPeriod: 0,
      connectTimeout: 10000,
    }),
    15000,
    `MQTT connect to ${url}`,
  );
  client.on('error', () => undefined);
  const received: Received[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(100);
  client.on('message', (topic, payload, packet) => {
    const text = payload.toString('utf8');
    const message: Received = { topic, payload: parse(text), text, retain: packet.retain === true, at: Date.now() };
    received.push(message);
    events.emit('message', message);
  });
  return {
    client,
    received,
    events,
    async subscribe(topic) {
      await client.subscribeAsync(topic, { qos: 1 });
    },
    async publish(topic, payload, options = {}) {
      const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
      await client.publishAsync(topic, body, { qos: 1, retain: options.retain === true });
    },
    async waitFor(topic, match = () => true, timeoutMs = 15000) {
      let found: Received | undefined;
      const check = () => {
        found = received.find((m) => m.topic === topic && match(m.payload, m));
        return found !== undefined;
      };
      await waitUntil(events, ['message'], check, timeoutMs, `MQTT message on ${topic}`).catch((err: Error) => {
        const seen = received
          .map((m) => `${m.topic}${m.retain ? ' (retained)' : ''}: ${m.text.slice(0, 200)}`)
          .join('\n  ');
        throw new Error(`${err.message}; received so far:\n  ${seen || '(nothing)'}`);
      });
      return found!;
    },
    async close() {
      await client.endAsync(true);
    },
  };
}
