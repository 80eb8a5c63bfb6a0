import {
  DEFAULT_TUNING,
  endpointKey,
  isPlainObject,
  redact,
  roomKey,
  testConnectionBeside,
  type EndpointOptions,
} from '../../src/protocol';
import type { RoomConfigApi } from './config-api';
import { editorCatalogue } from './editor-catalogue';
import { parseEndpoint, type RoomConfigProperties } from './endpoint-config';
import type { Translate } from './i18n';
import type { HttpRequest, HttpResponse, NodeRedApi } from './node-red';
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

/**
 * May a secret saved for `saved` go to `tested`? Only to the same Room, and never with less certificate
 * checking than it was saved with (tlsInsecure switched on in the dialog would send it unverified).
 */
export function storedSecretMayGo(saved: EndpointOptions, tested: EndpointOptions): boolean {
  const verifies = (e: EndpointOptions) => e.rejectUnauthorized !== false;
  return roomKey(saved) === roomKey(tested) && (verifies(tested) || !verifies(saved));
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
  // An async handler as a route: each handler answers its own errors, so its promise never rejects.
  const answering =
    (handler: (req: HttpRequest, res: HttpResponse) => Promise<void>) =>
    (req: HttpRequest, res: HttpResponse): void => {
      void handler(req, res);
    };
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
    answering(handleTestConnection),
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
      if (
        live?.endpoint &&
        liveClient &&
        liveClient.state === 'ready' &&
        endpointKey(live.endpoint) === endpointKey(parsed.endpoint)
      ) {
        const reply: Record<string, unknown> = { ok: true, message: t('test.liveOk') };
        if (liveClient.appState !== undefined) reply.appState = liveClient.appState;
        if (liveClient.role !== undefined) reply.role = liveClient.role;
        if (liveClient.roleNotApplicable) reply.roleNotApplicable = true;
        res.json(reply);
        return;
      }
      const { tuning } = tuningFromSettings(RED.settings);
      const timeoutMs = tuning.connectTimeoutMs ?? DEFAULT_TUNING.connectTimeoutMs;
      // Beside the deployed connections: one holding the mode the test would take is not displaced.
      const result = await testConnectionBeside(parsed.endpoint, ctx.deployed.values(), { timeoutMs });
      if (result.untested) {
        res.json(
          result.ok
            ? { ok: true, untested: true, message: t('test.reachableOnly') }
            : { ok: false, message: redact(result.message, [secret]) },
        );
        return;
      }
      const reply: Record<string, unknown> = {
        ok: result.ok === true,
        message: redact(String(result.message ?? ''), [secret]),
      };
      if (result.appState !== undefined) reply.appState = result.appState;
      if (result.role !== undefined) reply.role = result.role;
      if (result.roleNotApplicable) reply.roleNotApplicable = true;
      res.json(reply);
    } catch (err) {
      res.json({ ok: false, message: redact(err instanceof Error ? err.message : String(err), [secret]) });
    }
  }

  RED.httpAdmin.get(
    '/trueconf-room/live/:configId/:list',
    RED.auth.needsPermission('room-config.read'),
    answering(handleLiveList),
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
        .json({ error: redact(err instanceof Error ? err.message : String(err), [config?.endpoint?.secret]) });
    }
  }
}
