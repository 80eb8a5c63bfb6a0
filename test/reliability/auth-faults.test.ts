import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { RoomClient } from '../../src/protocol';
import { collect, waitUntil } from '../support/wait';
import {
  catchNode,
  caughtCode,
  clientOf,
  commandFlow,
  commandNode,
  configNode,
  deploy,
  eventNode,
  figure,
  framesOf,
  helperNode,
  Inbox,
  isGreen,
  isReadyIdle,
  lastStatus,
  load,
  node,
  quietWindow,
  seconds,
  startRoom,
  statusMark,
  TAB,
  WAIT_MS,
  waitForStatus,
  waitForStatusSince,
  withRuntime,
} from './harness';

const ADMIN_SECRET = 'Adm1n-pass-R3liab1lity';

describe('reliability: rejected credentials and displacement', function () {
  this.timeout(60000);
  withRuntime();

  it('credentials rejected: red status with the reason, no retry storm; fixing the secret and deploying recovers', async () => {
    const room = await startRoom({
      auth: { admin: { type: 'password', secret: ADMIN_SECRET }, user: { type: 'password', secret: 'User-pw-77' } },
    });
    const flow = (extraCfg: Record<string, unknown> = {}) => [
      ...commandFlow(room, { method: 'getMicMute' }, { authType: 'secured', ...extraCfg }),
      eventNode('ev', { events: ['nothing'], connectionEvents: true }),
      helperNode('events'),
    ];
    const started = Date.now();
    await load(flow(), { cfg: { secret: 'not-the-password' } });
    const caught = new Inbox(node('caught'));
    const events = new Inbox(node('events'));
    const status = await waitForStatus(node('cmd'), (s) => s.fill === 'red', 'auth failed');
    const redMs = Date.now() - started;
    assert.equal(status.text, 'auth failed: check PIN/password');
    assert.equal(status.shape, 'ring');
    const failed = await events.next(
      (m) => m.topic === 'connection' && m.payload.state === 'auth-failed',
      'auth-failed event',
    );
    assert.match(failed.payload.reason, /credentials rejected: wrong credentials/);

    node('cmd').receive({});
    const err = await caught.next(caughtCode('AUTH_FAILED'), 'AUTH_FAILED');
    assert.match(err.error.message, /rejected the credentials.*Check the PIN\/password/);
    // The window in which a retry storm would show: nothing may happen in it.
    const windowMs = 2500;
    await quietWindow(windowMs);
    const attempts = framesOf(room, 'auth').length;
    assert.equal(attempts, 1, 'one auth attempt, no retries in the window');
    assert.equal(framesOf(room, 'getMicMute').length, 0, 'nothing else was sent');

    const mark = statusMark(node('cmd'));
    const fixedAt = Date.now();
    const failingMs = fixedAt - started - redMs;
    const fixed = flow();
    (fixed.find((n) => n.id === 'cfg') as Record<string, unknown>).credentials = { secret: ADMIN_SECRET };
    await deploy(fixed, 'nodes');
    await waitForStatusSince(node('cmd'), mark, isReadyIdle, 'green after the fix');
    const recoveredMs = Date.now() - fixedAt;
    const out = new Inbox(node('out'));
    node('cmd').receive({});
    assert.equal((await out.next()).payload.result, true);
    assert.equal(room.connectionCount, 1, 'the rejected connection is gone');
    figure(
      `credentials rejected: red "${status.text}" after ${redMs} ms, ${attempts} auth attempt in the ${seconds(failingMs)} it stayed rejected (no retry storm); ` +
        `fixed secret + modified-nodes deploy -> green in ${recoveredMs} ms`,
    );
  });

  it('displacement: two configs with different identities on one control mode settle with bounded attempts and a clear status', async () => {
    const room = await startRoom({
      auth: { admin: { type: 'password', secret: ADMIN_SECRET }, user: { type: 'pin', secret: '4321' } },
    });
    const secured = { authType: 'secured', role: 'admin' };
    // Two identities: A discovers the port, B has it configured (as a second Node-RED or a copied config would).
    const flow = [
      TAB,
      configNode(room, { id: 'cfgA', name: 'A', ...secured }),
      configNode(room, { id: 'cfgB', name: 'B', ...secured, port: '', wsPort: String(room.wsPort) }),
      commandNode('cmdA', { room: 'cfgA', method: 'getMicMute' }, 'outA'),
      commandNode('cmdB', { room: 'cfgB', method: 'getMicMute' }, 'outB'),
      helperNode('outA'),
      helperNode('outB'),
      eventNode('evA', { room: 'cfgA', events: ['nothing'], connectionEvents: true }, 'eventsA'),
      eventNode('evB', { room: 'cfgB', events: ['nothing'], connectionEvents: true }, 'eventsB'),
      helperNode('eventsA'),
      helperNode('eventsB'),
      ...catchNode(),
    ];
    const deauthorized = collect<{ cause: number }>(room, 'deauthorized');
    const started = Date.now();
    await load(flow, { cfgA: { secret: ADMIN_SECRET }, cfgB: { secret: ADMIN_SECRET } });
    const eventsA = new Inbox(node('eventsA'));
    const eventsB = new Inbox(node('eventsB'));
    const a = clientOf('cfgA');
    const b = clientOf('cfgB');
    assert.notEqual(a, b, 'two identities, two connections');

    // Settled: one gave up ("stopped re-authenticating"), the other is ready.
    const states = new EventEmitter();
    const forward = () => states.emit('state');
    a.on('state', forward);
    b.on('state', forward);
    const gaveUp = (c: RoomClient) => c.state === 'displaced' && /stopped re-authenticating/.test(c.lastReason ?? '');
    try {
      await waitUntil(
        states,
        ['state'],
        () => (gaveUp(a) && b.state === 'ready') || (gaveUp(b) && a.state === 'ready'),
        45000,
        'the displacement to settle',
      );
    } finally {
      a.off('state', forward);
      b.off('state', forward);
    }
    const settledMs = Date.now() - started;
    const [loser, winner] = gaveUp(a) ? ['A', 'B'] : ['B', 'A'];
    const authBefore = framesOf(room, 'auth').length;
    const kicksBefore = deauthorized.values.length;
    const windowMs = 3000;
    await quietWindow(windowMs);
    assert.equal(framesOf(room, 'auth').length, authBefore, 'no auth attempt after settling: no kick loop');
    assert.equal(deauthorized.values.length, kicksBefore);
    deauthorized.stop();
    const limit = a.tuning.displacedRetryLimit;
    assert.ok(authBefore <= 2 * (limit + 1) + 2, `bounded: ${authBefore} auth attempts`);
    assert.ok(
      deauthorized.values.every((d) => d.cause === 1),
      'every kick was a displacement (cause 1)',
    );

    const loserStatus = lastStatus(node(`cmd${loser}`))!;
    assert.deepEqual(
      { fill: loserStatus.fill, shape: loserStatus.shape, text: loserStatus.text },
      { fill: 'yellow', shape: 'dot', text: 'displaced by another client' },
    );
    assert.ok(isGreen(lastStatus(node(`cmd${winner}`))!));
    const loserEvents = loser === 'A' ? eventsA : eventsB;
    assert.ok(loserEvents.count((m) => m.payload.state === 'displaced') >= 1, 'room-event reported the displacement');

    const caught = new Inbox(node('caught'));
    node(`cmd${loser}`).receive({});
    const err = await caught.next(caughtCode('NOT_CONNECTED'), 'NOT_CONNECTED');
    assert.match(err.error.message, /another client took the admin control mode/);
    const winnerOut = new Inbox(node(`out${winner}`));
    node(`cmd${winner}`).receive({});
    assert.equal((await winnerOut.next()).payload.result, true);
    figure(
      `displacement: 2 configs on one control mode -> ${authBefore} auth attempts, ${kicksBefore} displacements, settled in ${seconds(settledMs)} ` +
        `(one green, one "displaced by another client"); 0 auth attempts in the next ${seconds(windowMs)}`,
    );
  });

  describe('a full redeploy is the user\'s "try again"', () => {
    // Both fail today (see the reliability report): the redeployed config node gets the pooled client back in
    // its stopped state, and nothing asks it to retry, although the displaced reason tells the user to redeploy.

    it('after a displacement stand-off, a full redeploy tries again (the status reason says "redeploy to try again")', async () => {
      const room = await startRoom({ auth: { admin: { type: 'password', secret: ADMIN_SECRET } } });
      const flow = commandFlow(room, { method: 'getMicMute' }, { authType: 'secured', role: 'admin' });
      await load(flow, { cfg: { secret: ADMIN_SECRET } });
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      const ours = clientOf();
      // A second Node-RED on the same Room and control mode; it connects after ours, so ours is kicked first
      // and reaches the displacement limit first.
      const other = new RoomClient(
        { host: '127.0.0.1', wsPort: room.wsPort, authType: 'secured', secret: ADMIN_SECRET, role: 'admin' },
        { reconnectInitialMs: 300, reconnectMaxMs: 300 },
      );
      try {
        other.start();
        await waitUntil(
          ours,
          ['state'],
          () => ours.state === 'displaced' && /redeploy to try again/.test(ours.lastReason ?? ''),
          45000,
          'ours to give up',
        );
        assert.equal(lastStatus(node('cmd'))!.text, 'displaced by another client');
      } finally {
        await other.close();
      }
      const started = Date.now();
      await deploy(flow, 'full');
      await waitForStatus(node('cmd'), isReadyIdle, 'green after the redeploy', WAIT_MS);
      figure(`redeploy after a displacement stand-off: green again ${Date.now() - started} ms after a full deploy`);
    });

    it('after rejected credentials are fixed on the Room, a full redeploy tries again at once (not after the 60 s auth back-off)', async () => {
      const room = await startRoom({
        auth: { admin: { type: 'password', secret: ADMIN_SECRET }, user: { type: 'password', secret: 'User-pw-77' } },
      });
      const flow = commandFlow(room, { method: 'getMicMute' }, { authType: 'secured' });
      await load(flow, { cfg: { secret: 'New-admin-pw-1' } });
      await waitForStatus(node('cmd'), (s) => s.fill === 'red', 'auth failed');
      // The operator sets the Room's password to what the node has, then deploys.
      room.setAuth({ admin: { type: 'password', secret: 'New-admin-pw-1' } });
      const started = Date.now();
      await deploy(flow, 'full');
      await waitForStatus(node('cmd'), isReadyIdle, 'green after the redeploy', WAIT_MS);
      figure(`redeploy after rejected credentials: green again ${Date.now() - started} ms after a full deploy`);
    });
  });
});
