import * as assert from 'node:assert/strict';
import type { RoomNotification } from '../../src/protocol/types';
import { waitForEvent, waitUntil } from '../support/wait';
import { framesOf, Harness, ready, settle } from './helpers';

describe('protocol: waiting for outcomes', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  async function setup(options: Parameters<Harness['room']>[0] = {}) {
    const room = await h.room({ answerDelayMs: 30, ...options });
    const client = await ready(h.client(room));
    // Let the initial getAppState settle so listener counts are stable.
    await waitUntil(client, ['appState'], () => client.appState !== undefined, 5000, 'the app state');
    return { room, client, baseline: client.listenerCount() };
  }

  it('call answered: resolves with the response and conferenceCreated', async () => {
    const { client, baseline } = await setup();
    const { response, outcome } = await client.requestOutcome('call', { peerId: 'alice' });
    assert.equal(response.result, true);
    assert.equal(outcome.event, 'conferenceCreated');
    assert.equal(typeof outcome.confId, 'string');
    assert.equal(client.listenerCount(), baseline, 'outcome listeners removed');

    const hangUp = await client.requestOutcome('hangUp', {});
    assert.equal(hangUp.outcome.event, 'conferenceDeleted');
    assert.equal(client.listenerCount(), baseline);
  });

  it('call declined: OUTCOME_FAILED with the catalogue cause text and the notification', async () => {
    const { client, baseline } = await setup();
    const r = await settle(client.requestOutcome('call', { peerId: 'busy-bob' }));
    assert.equal(r.error?.code, 'OUTCOME_FAILED');
    assert.equal(r.error?.message, 'call failed: user is busy');
    const notification = (r.error as unknown as { response: RoomNotification }).response;
    assert.equal(notification.event, 'rejectReceived');
    assert.equal(notification.cause, 2);
    assert.equal(client.listenerCount(), baseline);
  });

  it('call stopped by the other side: OUTCOME_FAILED with a readable cause', async () => {
    const { client } = await setup();
    const r = await settle(client.requestOutcome('call', { peerId: 'stop-steve' }));
    assert.equal(r.error?.code, 'OUTCOME_FAILED');
    assert.equal(r.error?.message, 'call failed: the other side stopped the call');
  });

  it('incoming call: accept resolves on conferenceCreated, reject on rejectSent', async () => {
    const { room, client } = await setup();
    let invited = waitForEvent<RoomNotification>(client, 'notification', {
      filter: (n) => n.event === 'inviteReceived',
    });
    room.incomingCall({ peerId: 'carol@emulator.local', peerDn: 'Carol' });
    await invited;
    const accepted = await client.requestOutcome('accept');
    assert.equal(accepted.outcome.event, 'conferenceCreated');
    await client.requestOutcome('hangUp');

    invited = waitForEvent<RoomNotification>(client, 'notification', { filter: (n) => n.event === 'inviteReceived' });
    room.incomingCall({ peerId: 'dan@emulator.local' });
    await invited;
    const rejected = await client.requestOutcome('reject');
    assert.equal(rejected.outcome.event, 'rejectSent');
  });

  it('connectToServer and login: success and a readable login failure', async () => {
    const { client } = await setup({ appState: 0, login: { login: 'room1', password: 'right' } });
    const connected = await client.requestOutcome('connectToServer', { server: 'emulator.local' });
    assert.equal(connected.outcome.event, 'serverConnected');
    const wrong = await settle(client.requestOutcome('login', { login: 'room1', password: 'wrong' }));
    assert.equal(wrong.error?.code, 'OUTCOME_FAILED');
    assert.equal(wrong.error?.message, 'login failed: login/password not found');
    const ok = await client.requestOutcome('login', { login: 'room1', password: 'right' });
    assert.equal(ok.outcome.result, 0);
  });

  it('refuses to wait for a method without an outcome, sending nothing', async () => {
    const { room, client } = await setup();
    const r = await settle(client.requestOutcome('setMicMute', { mute: true }));
    assert.equal(r.error?.code, 'NO_OUTCOME');
    assert.match(r.error!.message, /^setMicMute has no outcome notification; turn off "wait for outcome"$/);
    const invalid = await settle(client.requestOutcome('call', {}));
    assert.equal(invalid.error?.code, 'INVALID_PARAMS');
    assert.equal(framesOf(room, 'setMicMute').length + framesOf(room, 'call').length, 0);
  });

  it('times out when the outcome never comes, and removes its listeners', async () => {
    const { client, baseline } = await setup({ ringTimeoutMs: 60_000 });
    const started = Date.now();
    const r = await settle(client.requestOutcome('call', { peerId: 'nobody-nick' }, { timeoutMs: 400 }));
    assert.equal(r.error?.code, 'TIMEOUT');
    assert.equal(r.error?.message, 'call: accepted, but no outcome notification within 400 ms');
    assert.ok(Date.now() - started < 2000);
    assert.equal(client.listenerCount(), baseline);
    assert.equal(client.pendingCount, 0);
  });

  it('fails CONNECTION_LOST when the connection drops while waiting', async () => {
    const { room, client, baseline } = await setup({ ringTimeoutMs: 60_000 });
    const waiting = settle(client.requestOutcome('call', { peerId: 'nobody-nick' }, { timeoutMs: 10_000 }));
    await waitForEvent(room, 'response', { filter: (f) => (f as { method: string }).method === 'call' });
    room.faults.dropConnections();
    const r = await waiting;
    assert.equal(r.error?.code, 'CONNECTION_LOST');
    assert.match(r.error!.message, /^call: connection lost while waiting for the outcome/);
    assert.equal(client.listenerCount(), baseline);
  });
});
