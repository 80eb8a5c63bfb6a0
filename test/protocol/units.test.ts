import * as assert from 'node:assert/strict';
import { backoffDelay } from '../../src/protocol/backoff';
import { endpointKey, resolveEndpoint, wsUrl } from '../../src/protocol/endpoint';
import { EventRouter } from '../../src/protocol/event-router';
import { hasOutcome, judgeOutcome, OUTCOME_METHODS, outcomeRule } from '../../src/protocol/outcomes';
import { DEFAULT_TUNING, resolveTuning } from '../../src/protocol/tuning';
import type { RoomNotification } from '../../src/protocol/types';

const note = (event: string, fields: Record<string, unknown> = {}): RoomNotification => ({
  method: 'event',
  event,
  ...fields,
});

describe('protocol: building blocks', () => {
  describe('backoff', () => {
    const opts = (r: number) => ({
      initialMs: DEFAULT_TUNING.reconnectInitialMs,
      maxMs: DEFAULT_TUNING.reconnectMaxMs,
      random: () => r,
    });

    it('retries the first time within 1 s with the defaults, and jitters between half and full delay', () => {
      assert.equal(backoffDelay(0, opts(0)), 250);
      assert.ok(backoffDelay(0, opts(0.999)) <= 500);
      assert.ok(backoffDelay(0, opts(Math.random())) < 1000);
    });

    it('doubles per attempt and stops at the cap', () => {
      assert.deepEqual(
        [0, 1, 2, 3].map((a) => backoffDelay(a, opts(0.999999))),
        [500, 1000, 2000, 4000],
      );
      assert.equal(backoffDelay(20, opts(0.999999)), 30_000);
      assert.equal(backoffDelay(5000, opts(0)), 15_000); // no overflow for huge attempt counts
    });
  });

  describe('tuning', () => {
    it('fills defaults and rejects nonsense', () => {
      assert.equal(resolveTuning({ requestTimeoutMs: 50 }).requestTimeoutMs, 50);
      assert.equal(resolveTuning().maxPayloadBytes, 4 * 1024 * 1024);
      assert.throws(() => resolveTuning({ requestTimeoutMs: -1 }), /requestTimeoutMs/);
      assert.throws(() => resolveTuning({ connectTimeoutMs: Number.NaN }), /connectTimeoutMs/);
      assert.throws(() => resolveTuning({ reconnectInitialMs: 0 }), /greater than 0/);
      assert.throws(() => resolveTuning({ reconnectInitialMs: 100, reconnectMaxMs: 50 }), /reconnectMaxMs/);
      assert.throws(() => resolveTuning({ nonsense: 1 } as never), /unknown tuning option/);
      assert.equal(resolveTuning({ heartbeatIntervalMs: 0 }).heartbeatIntervalMs, 0);
    });
  });

  describe('endpoint', () => {
    it('applies defaults and builds the versioned URL', () => {
      const e = resolveEndpoint({ host: '127.0.0.1' });
      assert.equal(e.port, 80);
      assert.equal(e.instance, 'default');
      assert.equal(e.apiVersion, '2');
      assert.equal(wsUrl(e, 8765), 'ws://127.0.0.1:8765/v2');
      assert.equal(wsUrl(resolveEndpoint({ host: '::1', tls: true, apiVersion: '1' }), 9), 'wss://[::1]:9/v1');
    });

    it('rejects bad endpoints with a readable message', () => {
      assert.throws(() => resolveEndpoint({ host: '' }), /host/);
      assert.throws(() => resolveEndpoint({ host: 'http://x' }), /not a URL/);
      assert.throws(() => resolveEndpoint({ host: 'x', port: 70000 }), /port/);
      assert.throws(() => resolveEndpoint({ host: 'x', apiVersion: '3' as never }), /apiVersion/);
      assert.throws(() => resolveEndpoint({ host: 'x', role: 'root' as never }), /role/);
      assert.throws(() => resolveEndpoint({ host: 'x', instance: '../etc' }), /instance/);
    });

    it('keys the identity on the secret without containing it', () => {
      const a = endpointKey({ host: 'h', authType: 'secured', secret: 'hunter2' });
      assert.equal(a, endpointKey({ host: 'h', authType: 'secured', secret: 'hunter2' }));
      assert.notEqual(a, endpointKey({ host: 'h', authType: 'secured', secret: 'hunter3' }));
      assert.notEqual(a, endpointKey({ host: 'h', authType: 'secured', secret: 'hunter2', role: 'user' }));
      assert.ok(!a.includes('hunter2'));
    });
  });

  describe('event router', () => {
    it('delivers to the listeners of that event and to "*", and unsubscribes cleanly', () => {
      const router = new EventRouter();
      const seen: string[] = [];
      const off1 = router.subscribe('login', (n) => seen.push(`login:${n.event}`));
      const off2 = router.subscribe('*', (n) => seen.push(`all:${n.event}`));
      router.subscribe('logout', () => seen.push('logout'));
      router.dispatch(note('login'));
      assert.deepEqual(seen, ['login:login', 'all:login']);
      assert.equal(router.listenerCount('login'), 1);
      assert.equal(router.listenerCount(), 3);
      off1();
      off1(); // idempotent
      off2();
      assert.equal(router.listenerCount('login'), 0);
      assert.equal(router.listenerCount(), 1);
    });

    it('reports a throwing listener and keeps dispatching to the others', () => {
      const errors: string[] = [];
      const router = new EventRouter((err, event) => errors.push(`${event}:${(err as Error).message}`));
      let reached = false;
      router.subscribe('x', () => {
        throw new Error('boom');
      });
      router.subscribe('x', () => {
        reached = true;
      });
      router.dispatch(note('x'));
      assert.equal(reached, true);
      assert.deepEqual(errors, ['x:boom']);
    });

    it('dispatch cost depends on the subscribers of that event, not on all subscribers', () => {
      // What a dispatch touches: a linear scan would compare (read) the notification's event once per
      // subscription and take time in proportion to all of them; a lookup reads it a fixed number of times.
      const timeDispatches = (router: EventRouter): number => {
        let best = Infinity;
        for (let round = 0; round < 5; round++) {
          const started = process.hrtime.bigint();
          for (let i = 0; i < 20_000; i++) router.dispatch(note('hot'));
          best = Math.min(best, Number(process.hrtime.bigint() - started));
        }
        return best;
      };
      const few = new EventRouter();
      const many = new EventRouter();
      let hot = 0;
      let cold = 0;
      for (let i = 0; i < 10; i++) few.subscribe(`event${i}`, () => cold++);
      const offs = Array.from({ length: 10_000 }, (_, i) => many.subscribe(`event${i}`, () => cold++));
      few.subscribe('hot', () => hot++);
      many.subscribe('hot', () => hot++);

      let reads = 0;
      const counted = {
        method: 'event',
        get event() {
          reads++;
          return 'hot';
        },
      } as unknown as ReturnType<typeof note>;
      many.dispatch(counted);
      assert.ok(reads <= 4, `the event name was read ${reads} times for one dispatch among 10,001 subscriptions`);

      const fewNs = timeDispatches(few);
      const manyNs = timeDispatches(many);
      assert.equal(cold, 0, 'no listener of another event ran');
      assert.equal(hot, 1 + 2 * 5 * 20_000);
      // A scan of 10,000 subscriptions would be hundreds of times slower; allow a wide margin for noise.
      assert.ok(manyNs < fewNs * 10, `10,001 subscriptions: ${manyNs} ns vs 11: ${fewNs} ns for 20,000 dispatches`);
      offs.forEach((off) => off());
    });
  });

  describe('outcomes', () => {
    it('offers the outcome option only for methods with a rule', () => {
      assert.deepEqual(
        [...OUTCOME_METHODS],
        ['accept', 'call', 'connectToServer', 'createConference', 'hangUp', 'login', 'logout', 'reject'],
      );
      assert.equal(hasOutcome('call'), true);
      assert.equal(hasOutcome('setMicMute'), false);
    });

    it('judges notifications with readable causes from the catalogue', () => {
      const call = outcomeRule('call')!;
      assert.deepEqual(judgeOutcome(call, note('conferenceCreated', { confId: 'c' })), { ok: true });
      assert.deepEqual(judgeOutcome(call, note('rejectReceived', { cause: 2 })), { ok: false, text: 'user is busy' });
      assert.deepEqual(judgeOutcome(call, note('stopCalling', { side: 1 })), {
        ok: false,
        text: 'the other side stopped the call',
      });
      assert.deepEqual(judgeOutcome(call, note('stopCalling', { side: 0 })), {
        ok: false,
        text: 'the call was cancelled on the Room',
      });
      assert.equal(judgeOutcome(call, note('inviteSent')), undefined);
      const login = outcomeRule('login')!;
      assert.deepEqual(judgeOutcome(login, note('login', { result: 0 })), { ok: true });
      assert.deepEqual(judgeOutcome(login, note('login', { result: 3 })), {
        ok: false,
        text: 'login/password not found',
      });
    });
  });
});
