/**
 * The pure pieces behind the nodes: status text, input rules, config parsing, settings, connection events
 * and the locale catalogues. The node suites cover the same behaviour end to end; these pin the edges.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  parseCommandInput,
  parseConfiguredParams,
  parseConfiguredTimeout,
  methodFromTopic,
  MAX_PARAMS_BYTES,
} from '../../nodes/lib/command-input';
import type { ConnectionSnapshot } from '../../nodes/lib/config-api';
import { ConnectionEventTracker } from '../../nodes/lib/connection-events';
import { docLink } from '../../nodes/lib/editor-catalogue';
import { parseEndpoint } from '../../nodes/lib/endpoint-config';
import { parseEventNames } from '../../nodes/lib/event-names';
import { englishText, interpolate, translator, type Translate } from '../../nodes/lib/i18n';
import { tuningFromSettings } from '../../nodes/lib/settings';
import { statusFor } from '../../nodes/lib/status';
import { liveItems } from '../../nodes/lib/admin-routes';
import { redact } from '../../src/protocol';
import { repoRoot } from '../support/repo';

const LOCALES = path.join(__dirname, '..', '..', 'nodes', 'locales');
const readLocale = (lang: string, file: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${file}.json`), 'utf8'));

/** A translator over one language's catalogue file (what RED._ does in a running Node-RED). */
function catalogueTranslator(lang: string, nodeType: string): Translate {
  const cat = readLocale(lang, nodeType);
  const nodeRed: Record<string, string> =
    lang === 'ru'
      ? {
          'node-red:common.status.connecting': 'идет подключение',
          'node-red:common.status.connected': 'подключен',
          'node-red:common.status.disconnected': 'соединение разорвано',
        }
      : {};
  return translator(
    {
      _: (key, subs) => {
        if (nodeRed[key]) return nodeRed[key];
        let cursor: unknown = cat;
        for (const part of key.split('.')) cursor = (cursor as Record<string, unknown> | undefined)?.[part];
        return typeof cursor === 'string' ? interpolate(cursor, subs) : key;
      },
    },
    nodeType,
  );
}

const en = catalogueTranslator('en-US', 'room-command');

function keysOf(obj: unknown, prefix = ''): string[] {
  if (!obj || typeof obj !== 'object') return [prefix];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

describe('node library', () => {
  describe('status mapping', () => {
    const cases: [ConnectionSnapshot, string, string, string][] = [
      [{ state: 'idle' }, 'yellow', 'ring', 'connecting'],
      [{ state: 'discovering' }, 'yellow', 'ring', 'connecting'],
      [{ state: 'authenticating' }, 'yellow', 'ring', 'connecting'],
      [{ state: 'ready', appState: 0 }, 'green', 'dot', 'not logged in'],
      [{ state: 'ready', appState: 2 }, 'green', 'dot', 'not logged in'],
      [{ state: 'ready', appState: 3 }, 'green', 'dot', 'idle'],
      [{ state: 'ready', appState: 4 }, 'green', 'dot', 'calling'],
      [{ state: 'ready', appState: 5 }, 'green', 'dot', 'in conference'],
      [{ state: 'ready', appState: 6 }, 'green', 'dot', 'ending call'],
      [{ state: 'ready' }, 'green', 'dot', 'connected'],
      [{ state: 'backoff' }, 'red', 'ring', 'unreachable'],
      [{ state: 'backoff', retryInMs: 4600 }, 'red', 'ring', 'unreachable, retry 5s'],
      [{ state: 'auth-failed' }, 'red', 'ring', 'auth failed: check PIN/password'],
      [{ state: 'displaced' }, 'yellow', 'dot', 'displaced by another client'],
      [{ state: 'closed', configError: 'host is missing' }, 'red', 'ring', 'invalid config: host is missing'],
    ];
    for (const [snapshot, fill, shape, text] of cases) {
      it(`${JSON.stringify(snapshot)} -> ${fill} ${shape} "${text}"`, () => {
        assert.deepEqual(statusFor(snapshot, en), { fill, shape, text });
      });
    }

    it('every status text is short in both languages', () => {
      for (const lang of ['en-US', 'ru']) {
        for (const nodeType of ['room-command', 'room-event']) {
          const t = catalogueTranslator(lang, nodeType);
          for (const [snapshot] of cases.slice(0, -1)) {
            const text = String(statusFor(snapshot, t).text);
            assert.ok(text.length <= 32, `${lang} "${text}" is ${text.length} chars`);
            assert.ok(!text.includes('status.'), `${lang}: raw key "${text}"`);
          }
        }
      }
    });

    it('the translator falls back to English when RED._ answers with the key', () => {
      const t = translator({ _: (key) => key }, 'room-event');
      assert.equal(t('status.idle'), 'idle');
      assert.equal(t('node-red:common.status.connecting'), 'connecting');
      assert.equal(englishText('room-event', 'status.unreachableRetry', { seconds: 3 }), 'unreachable, retry 3s');
    });
  });

  describe('locale catalogues', () => {
    for (const file of ['room-config', 'room-command', 'room-event']) {
      it(`${file}: en-US and ru have the same keys and placeholders`, () => {
        const enCat = readLocale('en-US', file);
        const ruCat = readLocale('ru', file);
        assert.deepEqual(keysOf(ruCat).sort(), keysOf(enCat).sort());
        for (const key of keysOf(enCat)) {
          const placeholders = (cat: Record<string, unknown>) => {
            let v: unknown = cat;
            for (const p of key.split('.')) v = (v as Record<string, unknown>)[p];
            return (String(v).match(/__\w+?__/g) ?? []).sort();
          };
          assert.deepEqual(placeholders(ruCat), placeholders(enCat), key);
        }
      });
    }

    it('every key the runtime and the editor ask for is in both catalogues (a missing one shows raw)', () => {
      const nodeTypes = ['room-config', 'room-command', 'room-event'];
      const known = new Map(
        ['en-US', 'ru'].map((lang) => [lang, new Set(nodeTypes.flatMap((type) => keysOf(readLocale(lang, type))))]),
      );
      // Quoted keys such as 'errors.queueFull', "room-command.label.room" or data-i18n="[placeholder]room-config.…".
      const keyPattern =
        /['"`\]]((?:room-(?:config|command|event)\.)?(?:errors|status|test|editor|label)\.[\w.]*\w)['"`]/g;
      const sources: string[] = [];
      const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const file = path.join(dir, entry.name);
          if (entry.isDirectory() && entry.name !== 'locales') walk(file);
          else if (/\.(ts|html)$/.test(entry.name)) sources.push(file);
        }
      };
      walk(path.join(repoRoot, 'nodes'));
      const missing: string[] = [];
      let used = 0;
      for (const file of sources) {
        for (const [, key] of fs.readFileSync(file, 'utf8').matchAll(keyPattern)) {
          used++;
          // The runtime's translator prefixes a bare key with its node type; the editor uses full keys.
          const full = nodeTypes.some((type) => key.startsWith(`${type}.`))
            ? [key]
            : nodeTypes.map((t) => `${t}.${key}`);
          for (const [lang, keys] of known)
            if (!full.some((k) => keys.has(k))) missing.push(`${lang}: ${key} (${path.basename(file)})`);
        }
      }
      assert.ok(used > 100, `found only ${used} keys in the sources: the pattern no longer matches them`);
      assert.deepEqual(missing, []);
    });

    it("every error code is in room-command's help (en-US and ru) and the README", () => {
      // The codes are the union types RoomErrorCode (core) and NodeErrorCode (nodes); both list one code a line.
      const codes = ['src/protocol/errors.ts', 'nodes/lib/errors.ts'].flatMap((file) =>
        [...fs.readFileSync(path.join(repoRoot, file), 'utf8').matchAll(/^\s*\| '([A-Z_]+)'/gm)].map((m) => m[1]),
      );
      assert.ok(codes.length > 15, `found only ${codes.length} codes`);
      for (const doc of ['nodes/locales/en-US/room-command.html', 'nodes/locales/ru/room-command.html', 'README.md']) {
        const text = fs.readFileSync(path.join(repoRoot, doc), 'utf8');
        assert.deepEqual(
          codes.filter((code) => !new RegExp(`\\b${code}\\b`).test(text)),
          [],
          `codes missing from ${doc}`,
        );
      }
    });

    it('room-command and room-event share the same status texts', () => {
      for (const lang of ['en-US', 'ru']) {
        const cmd = readLocale(lang, 'room-command')['room-command'] as Record<string, unknown>;
        const ev = readLocale(lang, 'room-event')['room-event'] as Record<string, unknown>;
        assert.deepEqual(ev.status, cmd.status);
      }
    });
  });

  describe('command input', () => {
    const settings = { method: '', params: {}, timeoutMs: undefined };

    it("reads the method from the topic's last level", () => {
      assert.equal(methodFromTopic('rooms/hall/cmd/call'), 'call');
      assert.equal(methodFromTopic('call'), 'call');
      assert.equal(methodFromTopic('a/b/'), undefined);
      assert.equal(methodFromTopic(5), undefined);
    });

    it('a non-string msg.method is refused', () => {
      const r = parseCommandInput(settings, { method: 5 }, en);
      assert.ok(!r.ok && r.error.code === 'NO_METHOD' && /string/.test(r.error.message));
    });

    it('an object with a class prototype is not a parameter object', () => {
      const r = parseCommandInput({ ...settings, method: 'call' }, { payload: new Date() }, en);
      assert.ok(!r.ok && r.error.code === 'INVALID_PARAMS' && /got Date/.test(r.error.message));
    });

    it('circular params are refused before sending', () => {
      const payload: Record<string, unknown> = {};
      payload.self = payload;
      const r = parseCommandInput({ ...settings, method: 'x' }, { payload }, en);
      assert.ok(!r.ok && r.error.code === 'INVALID_PARAMS');
    });

    it('the size limit counts UTF-8 bytes', () => {
      const chars = Math.floor(MAX_PARAMS_BYTES / 2); // 2 bytes each in UTF-8
      const r = parseCommandInput({ ...settings, method: 'x' }, { payload: { m: 'я'.repeat(chars) } }, en);
      assert.ok(!r.ok && /too large/.test(r.error.message));
    });

    it('configured params: object, JSON string of an object, or empty', () => {
      assert.deepEqual(parseConfiguredParams({ a: 1 }), { a: 1 });
      assert.deepEqual(parseConfiguredParams('{"a":1}'), { a: 1 });
      assert.deepEqual(parseConfiguredParams(''), {});
      assert.equal(parseConfiguredParams('[1]'), undefined);
      assert.equal(parseConfiguredParams(7), undefined);
    });

    it('configured timeout: blank = default, numbers and numeric strings, nonsense flagged', () => {
      assert.deepEqual(parseConfiguredTimeout(''), { timeoutMs: undefined, valid: true });
      assert.deepEqual(parseConfiguredTimeout('1500'), { timeoutMs: 1500, valid: true });
      assert.deepEqual(parseConfiguredTimeout(-5), { timeoutMs: undefined, valid: false });
    });
  });

  describe('config parsing', () => {
    const t = catalogueTranslator('en-US', 'room-config');
    it('fills defaults and maps tlsInsecure to rejectUnauthorized', () => {
      const r = parseEndpoint({ host: ' room.local ', port: '8766', tls: true, tlsInsecure: true }, undefined, t);
      assert.ok(r.ok);
      assert.deepEqual(r.endpoint, {
        host: 'room.local',
        port: 8766,
        instance: 'default',
        apiVersion: '2',
        authType: 'unsecured',
        tls: true,
        rejectUnauthorized: false,
      });
    });
    it('keeps the secret only for secured', () => {
      const r = parseEndpoint({ host: 'h', port: 1, authType: 'secured' }, { secret: 's3' }, t);
      assert.ok(r.ok && r.endpoint.secret === 's3');
      const u = parseEndpoint({ host: 'h', port: 1 }, { secret: 's3' }, t);
      assert.ok(u.ok && u.endpoint.secret === undefined);
    });
    for (const [props, pattern] of [
      [{ host: 'http://x', port: 1 }, /host/],
      [{ host: 'x', port: 70000 }, /web port/],
      [{ host: 'x', wsPort: 'abc' }, /WebSocket port/],
      [{ host: 'x', port: 1, instance: '../etc' }, /instance/],
      [{ host: 'x', port: 1, apiVersion: '3' }, /API version/],
      [{ host: 'x', port: 1, role: 'root' }, /role/],
      [{ host: 'x', port: 1, authType: 'kerberos' }, /authentication/],
    ] as const) {
      it(`refuses ${JSON.stringify(props)}`, () => {
        const r = parseEndpoint(props, undefined, t);
        assert.ok(!r.ok && pattern.test(r.reason), JSON.stringify(r));
      });
    }
    it('accepts IPv6 literals', () => {
      const r = parseEndpoint({ host: '[::1]', port: 1 }, undefined, t);
      assert.ok(r.ok && r.endpoint.host === '::1');
    });
  });

  describe('settings.js', () => {
    it('maps the roomConfig* keys onto the tuning and lowers the first retry with a small cap', () => {
      const { tuning, problems } = tuningFromSettings({
        roomConfigReconnectMaxMs: 200,
        roomConfigHeartbeatIntervalMs: 0,
        roomConfigRequestTimeoutMs: 1234,
      });
      assert.deepEqual(problems, []);
      assert.deepEqual(tuning, {
        reconnectMaxMs: 200,
        reconnectInitialMs: 200,
        heartbeatIntervalMs: 0,
        requestTimeoutMs: 1234,
      });
    });
    it('reports bad values and keeps the defaults', () => {
      const { tuning, problems } = tuningFromSettings({
        roomConfigConnectTimeoutMs: 'soon',
        roomConfigHeartbeatTimeoutMs: 0,
      });
      assert.deepEqual(tuning, {});
      assert.deepEqual(problems.map((p) => p.name).sort(), [
        'roomConfigConnectTimeoutMs',
        'roomConfigHeartbeatTimeoutMs',
      ]);
    });
  });

  describe('connection events', () => {
    it('emits transitions only, starting quiet, deduplicating retries', () => {
      const tracker = new ConnectionEventTracker();
      const feed = (s: ConnectionSnapshot) => tracker.next(s)?.state;
      assert.equal(feed({ state: 'idle' }), undefined);
      assert.equal(feed({ state: 'connecting' }), undefined, 'connecting before the first ready is not a loss');
      assert.equal(feed({ state: 'ready', appState: 3 }), 'ready');
      assert.equal(feed({ state: 'ready', appState: 4 }), undefined, 'appState changes are not connection events');
      assert.equal(feed({ state: 'connecting' }), 'lost');
      assert.equal(feed({ state: 'backoff' }), undefined);
      assert.equal(feed({ state: 'connecting' }), undefined);
      assert.equal(feed({ state: 'backoff' }), undefined);
      assert.equal(feed({ state: 'ready' }), 'ready');
      assert.equal(feed({ state: 'displaced', reason: 'x' }), 'displaced');
      assert.equal(feed({ state: 'authenticating' }), undefined);
      assert.equal(feed({ state: 'auth-failed' }), 'auth-failed');
      assert.equal(feed({ state: 'closed' }), undefined);
    });
    it('a node started on a live connection does not announce "ready"', () => {
      const tracker = new ConnectionEventTracker();
      assert.equal(tracker.next({ state: 'ready', appState: 3 }), undefined);
      assert.equal(tracker.next({ state: 'ready', appState: 5 }), undefined);
      assert.equal(tracker.next({ state: 'backoff' })?.state, 'lost');
    });
  });

  describe('editor helpers', () => {
    it('doc links come from the sources when there is one, else a marked guess', () => {
      assert.deepEqual(
        docLink('auth', ['x', 'https://trueconf.com/docs/videosdk/en/commands/auth (also /v.2/commands/auth)']),
        {
          doc: 'https://trueconf.com/docs/videosdk/en/commands/auth',
          docGuessed: false,
        },
      );
      assert.deepEqual(docLink('getAbook', ['pyVideoSDK']), {
        doc: 'https://trueconf.com/docs/videosdk/en/commands/getAbook',
        docGuessed: true,
      });
    });
    it('live lists take ids (and names) from entries, skipping junk and duplicates', () => {
      assert.deepEqual(liveItems([{ peerId: 'a@s', peerDn: 'A' }, { peerId: 'a@s' }, 7, null, { id: 'b' }]), [
        { id: 'a@s', name: 'A' },
        { id: 'b' },
      ]);
      assert.deepEqual(liveItems(undefined), []);
    });
    it('redact removes a secret from any text', () => {
      assert.equal(redact('bad pin 1234 (1234)', ['1234']), 'bad pin *** (***)');
      assert.equal(redact('text', ['']), 'text');
    });
    it('event names from the flow: arrays, comma lists, junk flagged', () => {
      assert.deepEqual(parseEventNames(['a', ' b ', 'a', '']), { names: ['a', 'b'], valid: true });
      assert.deepEqual(parseEventNames('a, b'), { names: ['a', 'b'], valid: true });
      assert.deepEqual(parseEventNames([1, 'a']), { names: ['a'], valid: false });
      assert.deepEqual(parseEventNames({}), { names: [], valid: false });
    });
  });
});
