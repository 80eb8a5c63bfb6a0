import { testConnection, testReachability } from '../../src/protocol';
import { roomKey } from '../../src/protocol/endpoint';
import { DEFAULT_TUNING } from '../../src/protocol/tuning';
import type { EndpointOptions, Role } from '../../src/protocol/types';
import type { RoomConfigApi } from './config-api';
import { editorCatalogue } from './editor-catalogue';
import { endpointKey, parseEndpoint, type RoomConfigProperties } from './endpoint-config';
import type { Translate } from './i18n';
import type { HttpRequest, HttpResponse, NodeRedApi } from './node-red';
import { isPlainObject } from './command-input';
import { tuningFromSettings } from './settings';

/** The editor sends this in a password field whose stored value it does not know. */
const PASSWORD_PLACEHOLDER = '__PWRD__';
const LIVE_TIMEOUT_MS = 5000;

/** The lists the editor can fill from a deployed Room: method and how to read ids out of the response. */
const LIVE_LISTS: Record<string, { method: string; field: string }> = {
  participants: { method: 'getConferenceParticipants', field: 'participants' },
  contacts: { method: 'getAbook', field: 'abook' },
};

export interface AdminRouteContext {
  deployed: ReadonlyMap<string, RoomConfigApi>;
  translate: Translate;
}

/** Removes the secret from a text that might quote it (a Room error echoing the request, say). */
export function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length > 0 ? text.split(secret).join('***') : text;
}

/**
 * May a secret saved for `saved` go to `tested`? Only to the same Room, and never with less certificate
 * checking than it was saved with (tlsInsecure switched on in the dialog would send it unverified).
 */
export function storedSecretMayGo(saved: EndpointOptions, tested: EndpointOptions): boolean {
  const verifies = (e: EndpointOptions) => e.rejectUnauthorized !== false;
  return roomKey(saved) === roomKey(tested) && (verifies(tested) || !verifies(saved));
}

/** Two sessions collide when they would hold the same control mode; an automatic role may be either. */
function modesMayCollide(requested: Role | undefined, live: Role | undefined): boolean {
  return requested === undefined || live === undefined || requested === live;
}

/** { id, name } items from a list response: entries with a string peerId (or id/callId). */
export function liveItems(list: unknown): { id: string; name?: string }[] {
  if (!Array.isArray(list)) return [];
  const items: { id: string; name?: string }[] = [];
  const seen = new Set<string>();
  for (const entry of list) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const id = [e.peerId, e.id, e.callId].find((v): v is string => typeof v === 'string' && v !== '');
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const name = [e.peerDn, e.displayName, e.name].find((v): v is string => typeof v === 'string' && v !== '');
    items.push(name ? { id, name } : { id });
  }
  return items;
}

/**
 * Admin HTTP routes for the editor. Paths are part of the contract with nodes/*.html; every route is
 * guarded by a Node-RED permission (read for lookups, write for anything that opens a connection).
 */
export function registerAdminRoutes(RED: NodeRedApi, ctx: AdminRouteContext): void {
  const t = ctx.translate;

  RED.httpAdmin.get(
    '/trueconf-room/catalogue',
    RED.auth.needsPermission('room-config.read'),
    (_req: HttpRequest, res: HttpResponse) => {
      res.json(editorCatalogue());
    },
  );

  RED.httpAdmin.post(
    '/trueconf-room/test-connection',
    RED.auth.needsPermission('room-config.write'),
    (req: HttpRequest, res: HttpResponse) => {
      void handleTestConnection(req, res);
    },
  );

  async function handleTestConnection(req: HttpRequest, res: HttpResponse): Promise<void> {
    let secret: string | undefined;
    try {
      if (!isPlainObject(req.body)) {
        res.status(400).json({ ok: false, message: t('errors.badRequest') });
        return;
      }
      const body = req.body as RoomConfigProperties & { secret?: unknown; id?: unknown };
      const id = typeof body.id === 'string' && body.id !== '' ? body.id : undefined;
      secret = typeof body.secret === 'string' ? body.secret : undefined;
      const useStored = (secret === undefined || secret === '' || secret === PASSWORD_PLACEHOLDER) && id !== undefined;
      if (useStored) {
        // The dialog does not know a stored password: use the deployed node's credentials.
        const stored = RED.nodes.getCredentials(id)?.secret;
        secret = typeof stored === 'string' ? stored : undefined;
      }
      if (secret === PASSWORD_PLACEHOLDER) secret = undefined;

      const parsed = parseEndpoint(body, { secret }, t);
      if (!parsed.ok) {
        res.json({ ok: false, message: parsed.reason });
        return;
      }
      // A stored secret only goes to the Room it was saved for, as verified as it was saved: otherwise anyone
      // who may edit flows could send it to a host of their choosing by testing a changed address.
      const savedFor = id ? ctx.deployed.get(id)?.endpoint : undefined;
      if (useStored && secret !== undefined && (!savedFor || !storedSecretMayGo(savedFor, parsed.endpoint))) {
        res.json({ ok: false, message: t('test.storedSecretOtherRoom') });
        return;
      }
      // Testing the endpoint a deployed node already uses would open a second session in the same mode,
      // and the Room would displace the live one: answer from the live connection instead.
      const live = id ? ctx.deployed.get(id) : undefined;
      const liveClient = live?.client;
      const wanted = endpointKey(parsed.endpoint);
      if (
        live?.endpoint &&
        liveClient &&
        liveClient.state === 'ready' &&
        wanted !== '' &&
        endpointKey(live.endpoint) === wanted
      ) {
        const reply: Record<string, unknown> = { ok: true, message: t('test.liveOk') };
        if (liveClient.appState !== undefined) reply.appState = liveClient.appState;
        if (liveClient.role !== undefined) reply.role = liveClient.role;
        res.json(reply);
        return;
      }
      const { tuning } = tuningFromSettings(RED.settings);
      const timeoutMs = tuning.connectTimeoutMs ?? DEFAULT_TUNING.connectTimeoutMs;
      // Another deployed connection to this Room in the mode the test would take: authenticating would make
      // the Room displace it (and repeated tests would exhaust its re-authentication attempts). Check that
      // the Room answers, and leave the credentials untested.
      const room = roomKey(parsed.endpoint);
      const holder = [...ctx.deployed.values()].find(
        (c) =>
          c.endpoint &&
          c.client?.state === 'ready' &&
          roomKey(c.endpoint) === room &&
          modesMayCollide(parsed.endpoint.role, c.client.role),
      );
      if (holder) {
        const reach = await testReachability(parsed.endpoint, { timeoutMs });
        res.json(
          reach.ok
            ? { ok: true, untested: true, message: t('test.reachableOnly') }
            : { ok: false, message: scrub(reach.message, secret) },
        );
        return;
      }
      const result = await testConnection(parsed.endpoint, { timeoutMs });
      const reply: Record<string, unknown> = {
        ok: result.ok === true,
        message: scrub(String(result.message ?? ''), secret),
      };
      if (result.appState !== undefined) reply.appState = result.appState;
      if (result.role !== undefined) reply.role = result.role;
      res.json(reply);
    } catch (err) {
      res.json({ ok: false, message: scrub(err instanceof Error ? err.message : String(err), secret) });
    }
  }

  RED.httpAdmin.get(
    '/trueconf-room/live/:configId/:list',
    RED.auth.needsPermission('room-config.read'),
    (req: HttpRequest, res: HttpResponse) => {
      void handleLiveList(req, res);
    },
  );

  async function handleLiveList(req: HttpRequest, res: HttpResponse): Promise<void> {
    const spec = Object.prototype.hasOwnProperty.call(LIVE_LISTS, req.params.list)
      ? LIVE_LISTS[req.params.list]
      : undefined;
    if (!spec) {
      res.status(400).json({ error: t('errors.unknownList', { list: req.params.list }) });
      return;
    }
    const config = ctx.deployed.get(req.params.configId);
    const client = config?.client;
    if (!client || client.state !== 'ready') {
      res.status(404).json({ error: t('errors.notDeployed') });
      return;
    }
    try {
      const response = await client.request(spec.method, {}, { timeoutMs: LIVE_TIMEOUT_MS });
      res.json({ items: liveItems(response[spec.field]) });
    } catch (err) {
      res
        .status(502)
        .json({ error: scrub(err instanceof Error ? err.message : String(err), config?.endpoint?.secret) });
    }
  }
}
