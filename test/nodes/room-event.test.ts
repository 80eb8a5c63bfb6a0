import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { RoomEmulator } from '../../src/emulator';
import { waitForEvent } from '../support/wait';
import {
  configNode,
  Inbox,
  isReadyIdle,
  load,
  node,
  placed,
  quietWindow,
  statusHistory,
  startRoom,
  waitForStatus,
  withNodeRed,
} from './harness';

function eventFlow(room: RoomEmulator, events: Record<string, unknown>[]): object[] {
  const flow: object[] = [{ id: 'tab', type: 'tab', label: 'events' }, configNode(room)];
  for (const e of events) {
    flow.push(
      placed({
        type: 'room-event',
        z: 'tab',
        room: 'cfg',
        events: [],
        topicPrefix: '',
        wires: [[`${e.id}-out`]],
        ...e,
      }),
    );
    flow.push(placed({ id: `${e.id}-out`, type: 'helper', z: 'tab' }));
  }
  return flow;
}

describe('room-event node', function () {
  this.timeout(30000);
  withNodeRed();

  it('emits msg.topic = event name and msg.payload = the notification; an empty list means all events', async () => {
    const room = await startRoom();
    await load(eventFlow(room, [{ id: 'all' }]));
    const out = new Inbox(node('all-out'));
    await waitForStatus(node('all'), isReadyIdle, 'ready');
    room.emitEvent('myEvent', { data: 'hello' });
    const msg = await out.next((m) => m.topic === 'myEvent');
    assert.deepEqual(msg.payload, { method: 'event', event: 'myEvent', data: 'hello' });
  });

  it('only passes the chosen events; a prefix goes in front of the topic', async () => {
    const room = await startRoom();
    await load(
      eventFlow(room, [{ id: 'calls', events: ['inviteReceived'], topicPrefix: 'rooms/hall/event/' }, { id: 'all' }]),
    );
    const calls = new Inbox(node('calls-out'));
    const all = new Inbox(node('all-out'));
    await waitForStatus(node('calls'), isReadyIdle, 'ready');
    await waitForStatus(node('all'), isReadyIdle, 'ready');
    room.incomingCall({ peerId: 'carol' });
    const invite = await calls.next();
    assert.equal(invite.topic, 'rooms/hall/event/inviteReceived');
    assert.equal(invite.payload.peerId.split('@')[0], 'carol');
    // The all-events node sees the appState change too; the filtered one must not.
    await all.next((m) => m.topic === 'appStateChanged');
    await all.next((m) => m.topic === 'inviteReceived');
    assert.equal(calls.count(), 0, 'nothing but inviteReceived reaches the filtered node');
  });

  it('each node gets its own copy of the notification', async () => {
    const room = await startRoom();
    await load(
      eventFlow(room, [
        { id: 'a', events: ['myEvent'] },
        { id: 'b', events: ['myEvent'] },
      ]),
    );
    const a = new Inbox(node('a-out'));
    const b = new Inbox(node('b-out'));
    await waitForStatus(node('b'), isReadyIdle, 'ready');
    room.emitEvent('myEvent', { data: { n: 1 } });
    const [ma, mb] = await Promise.all([a.next(), b.next()]);
    ma.payload.data.n = 99;
    assert.equal(mb.payload.data.n, 1);
  });

  it('status follows the Room: idle -> calling -> in conference (and the command node agrees)', async () => {
    const room = await startRoom({ answerDelayMs: 300 });
    const flow = eventFlow(room, [{ id: 'ev' }]);
    flow.push(
      placed({ id: 'cmd', type: 'room-command', z: 'tab', room: 'cfg', method: 'call', params: {}, wires: [[]] }),
    );
    await load(flow);
    const ev = node('ev');
    await waitForStatus(ev, isReadyIdle, 'ready idle');
    node('cmd').receive({ payload: { peerId: 'alice' } });
    await waitForStatus(ev, (s) => s.text === 'in conference', 'in conference');
    const texts = statusTexts(ev);
    const order = ['connecting', 'idle', 'calling', 'in conference'].map((t) => texts.indexOf(t));
    assert.ok(
      order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])),
      `status sequence ${JSON.stringify(texts)}`,
    );
    await waitForStatus(node('cmd'), (s) => s.fill === 'green' && s.text === 'in conference', 'command in conference');
  });

  it('connection events: ready, lost, ready again, lost when the Room stops; no duplicates', async () => {
    const room = await startRoom();
    await load(
      eventFlow(room, [{ id: 'conn', events: ['nothingRelevant'], connectionEvents: true, topicPrefix: 'hall/' }]),
    );
    const out = new Inbox(node('conn-out'));
    const conn = node('conn');
    const ready = await out.next((m) => m.topic === 'hall/connection');
    assert.equal(ready.payload.state, 'ready');

    // The network goes: sockets die and new connections are refused.
    room.faults.refuseConnections(true);
    room.faults.dropConnections();
    const lost = await out.next((m) => m.topic === 'hall/connection');
    assert.equal(lost.payload.state, 'lost');
    assert.equal(typeof lost.payload.reason, 'string');
    const red = await waitForStatus(conn, (s) => s.fill === 'red', 'unreachable');
    assert.equal(red.shape, 'ring');
    assert.match(String(red.text), /^unreachable/);
    // Several retries fail meanwhile (300 ms cap in the test settings): still only one "lost".
    await waitForStatus(conn, (s) => s.fill === 'yellow', 'retrying');
    await waitForStatus(conn, (s) => s.fill === 'red', 'unreachable again');
    assert.equal(out.count(), 0, 'retries while unreachable do not repeat "lost"');

    room.faults.refuseConnections(false);
    const again = await out.next((m) => m.topic === 'hall/connection');
    assert.equal(again.payload.state, 'ready');
    await waitForStatus(conn, isReadyIdle, 'ready again');

    await room.stop();
    const stopped = await out.next((m) => m.topic === 'hall/connection');
    assert.equal(stopped.payload.state, 'lost');
    await waitForStatus(
      conn,
      (s) => s.fill === 'red' && String(s.text).startsWith('unreachable'),
      'unreachable after stop',
    );
    await quietWindow(300);
    assert.equal(out.count(), 0);
  });

  it('connection events: auth-failed with a wrong PIN (red status with the hint)', async () => {
    const room = await startRoom({
      auth: { admin: { type: 'pin', secret: '1234' }, user: { type: 'pin', secret: '1234' } },
    });
    const flow = eventFlow(room, [{ id: 'conn', connectionEvents: true }]);
    Object.assign(flow[1], { authType: 'secured' });
    await load(flow, { cfg: { secret: '0000' } });
    const out = new Inbox(node('conn-out'));
    const failed = await out.next((m) => m.topic === 'connection');
    assert.equal(failed.payload.state, 'auth-failed');
    assert.ok(!JSON.stringify(failed.payload).includes('0000'));
    const s = await waitForStatus(node('conn'), (st) => st.fill === 'red', 'auth failed');
    assert.equal(s.text, 'auth failed: check PIN/password');
  });

  it('displaced by another client: yellow dot status and a displaced connection event', async () => {
    const room = await startRoom();
    await load(eventFlow(room, [{ id: 'conn', connectionEvents: true }]));
    const out = new Inbox(node('conn-out'));
    await out.next((m) => m.payload?.state === 'ready');
    const deauthorized = waitForEvent(room, 'deauthorized', { timeoutMs: 8000 });
    const intruder = await rawClient(room.wsPort);
    try {
      await deauthorized;
      const displaced = await out.next((m) => m.topic === 'connection' && m.payload.state === 'displaced');
      assert.equal(typeof displaced.payload.reason, 'string');
      const history = statusHistory(node('conn'));
      assert.ok(
        history.some((s) => s.fill === 'yellow' && s.shape === 'dot' && s.text === 'displaced by another client'),
        JSON.stringify(history),
      );
    } finally {
      intruder.close();
    }
  });
});

function statusTexts(n: ReturnType<typeof node>): string[] {
  return statusHistory(n).map((s) => String(s.text));
}

/** Another controller taking the same (admin, unsecured) mode, as a second app on the network would. */
async function rawClient(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/v2`);
  await waitForEvent(ws, 'open', { timeoutMs: 8000 });
  ws.send(JSON.stringify({ method: 'setUsedApiVersion', requestId: '1', version: '2' }));
  ws.send(JSON.stringify({ method: 'auth', requestId: '2', type: 'unsecured' }));
  return ws;
}
