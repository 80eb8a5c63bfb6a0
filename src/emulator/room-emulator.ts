import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { appStateName, methodSpec } from '../protocol/catalogue';
import { frameText } from '../protocol/frames';
import { AppState } from './app-state';
import { AuthBook } from './auth-book';
import { FaultState, type FaultHooks } from './faults';
import { FrameLog } from './frame-log';
import { handleWebRequest } from './http-routes';
import { listen, listenOnFreePort } from './listen';
import { handle } from './method-handlers';
import { checkParams } from './param-check';
import { fail, type Reply } from './reply';
import { RoomState } from './room-state';
import { RoomWorld } from './room-world';
import { Sessions, type Session } from './sessions';
import { Timers } from './timers';
import type {
  ClientInfo,
  ControlMode,
  EmulatedConference,
  IncomingCallOptions,
  ModeAuth,
  RecordedRequest,
  RoomEmulatorOptions,
} from './types';

/**
 * A TrueConf Room you can run: discovery on the web port, the WebSocket control API on the port it names,
 * and the Room's behaviour (auth modes, one connection per mode, app states, calls and conferences).
 * Tests drive the far end and the faults through its methods.
 *
 * Events: 'connection' (connId), 'disconnect' (connId), 'request' (frame, connId), 'response' (frame, connId),
 * 'authenticated' ({connId, role}), 'deauthorized' ({connId, cause}), 'appState' (n),
 * 'notification' (name, fields) for every broadcast, 'restarted' ({wsPort}), 'poweredOff' ({method}) when a
 * power command took the Room down (it comes back with 'restarted').
 */

interface Connection extends Session {
  ws: WebSocket;
  remoteAddress?: string;
}

const PATH_VERSIONS: Record<string, number> = { '/': 1, '/v1': 1, '/v2': 2 };
const PRE_AUTH_METHODS = new Set(['auth', 'setUsedApiVersion']);
const DEFAULT_WS_PORT_IN_USE_TRIES = 100;
const DEFAULT_POWER_CYCLE_MS = 3000;

export class RoomEmulator extends EventEmitter {
  readonly host: string;
  readonly instance: string;
  readonly faults: FaultHooks;
  /** Every request frame received, in order (tests count sends). */
  readonly requests: RecordedRequest[] = [];

  private readonly options: RoomEmulatorOptions;
  private readonly log: FrameLog;
  private readonly faultState = new FaultState();
  private readonly book: AuthBook;
  private readonly sessions: Sessions;
  private readonly world: RoomWorld;
  private readonly state: RoomState;
  private readonly timers: Timers;
  private readonly connections = new Map<number, Connection>();
  private readonly rawSockets = new Set<Socket | Duplex>();
  private readonly wss: WebSocketServer;
  private webServer?: http.Server;
  private wsServer?: http.Server;
  private nextConnId = 1;
  private webPortValue = 0;
  private wsPortValue = 0;
  private running = false;
  private poweredOff = false;
  private readonly powerTimers: Timers;
  /** Bumped by stop() and restart(): a power cycle of an older epoch must not bring the Room up again. */
  private powerEpoch = 0;

  constructor(options: RoomEmulatorOptions = {}) {
    super();
    this.options = { ...options };
    this.host = options.host ?? '127.0.0.1';
    this.instance = options.instance ?? 'default';
    const sink =
      options.log === true
        ? (line: string) => console.log(line)
        : typeof options.log === 'function'
          ? options.log
          : undefined;
    this.log = new FrameLog(sink);
    const onError = (err: unknown) =>
      this.log.add('info', `emulator error: ${err instanceof Error ? err.message : String(err)}`);
    this.timers = new Timers(onError);
    this.powerTimers = new Timers(onError);
    this.book = new AuthBook(options.auth);
    this.sessions = new Sessions(
      this.book,
      (session, cause) => this.deauthorize(session as Connection, cause),
      (session) => this.emit('authenticated', { connId: session.id, role: session.role }),
      options.product !== 'videosdk',
    );
    this.world = new RoomWorld(
      {
        appState: options.appState ?? AppState.Normal,
        server: options.server,
        login: options.login,
        peers: options.peers ?? {},
        ringTimeoutMs: options.ringTimeoutMs ?? 30_000,
        answerDelayMs: options.answerDelayMs ?? 50,
        httpPort: () => this.webPortValue,
        appStateExtras: () => this.state.system.appStateExtras(),
        onCallRecord: (record) => this.state.system.recordCall(record),
        onServer: (name) => this.state.system.rememberServer(name),
        onConferenceEnded: () => this.state.conferenceEnded(),
        onParticipantLeft: (peerId) => this.state.participantLeft(peerId),
        onError,
      },
      (event, fields) => this.broadcast(event, fields),
      (state) => this.emit('appState', state),
    );
    this.state = new RoomState({
      notify: (event, fields) => this.broadcast(event, fields),
      resolve: (id) => this.world.resolve(id),
      domain: this.world.domain,
      appStateChanged: () => this.world.announceAppState(),
      conference: this.world.confs.view(),
      far: { peers: options.peers ?? {}, answerDelayMs: options.answerDelayMs ?? 50 },
      onError,
    });
    if (options.product === 'videosdk') this.state.system.license.product_id = 'videosdk';
    // autoPong off: pongs are ours to send, so that stopPongs can make the link half-open.
    this.wss = new WebSocketServer({ noServer: true, autoPong: false, clientTracking: false });
    this.faults = this.makeFaultHooks();
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
    const web = this.createServer((req, res) => handleWebRequest(req, res, this.webView()));
    this.trackSockets(web, false);
    this.webPortValue = await listen(web, this.options.webPort ?? 0, this.host);
    this.webServer = web;
    try {
      await this.listenWs(this.options.wsPort ?? 0, this.options.strictWsPort === true);
    } catch (err) {
      await closeServer(web);
      this.webServer = undefined;
      throw err;
    }
    this.running = true;
    this.log.add(
      'info',
      `listening: ${this.url} (config.json on http${this.options.tls ? 's' : ''}://${this.hostForUrl}:${this.webPortValue})`,
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.poweredOff = false;
    this.powerEpoch++;
    this.timers.clear();
    this.powerTimers.clear();
    this.world.cancelTimers();
    this.state.cancelTimers();
    this.terminateAll();
    for (const socket of this.rawSockets) socket.destroy();
    this.rawSockets.clear();
    await Promise.all([closeServer(this.wsServer), closeServer(this.webServer)]);
    this.wsServer = undefined;
    this.webServer = undefined;
  }

  /**
   * The Room application restarts: every socket closes, calls end, and the WebSocket comes back on another
   * port (the given one, or the next free one above the old), which config.json then names. Tokens survive
   * unless forgetTokens (a real restart would forget them: docs/protocol.md §5.5). A pending power cycle is
   * cancelled: the Room is up on the restart's port.
   */
  async restart(options: { wsPort?: number; forgetTokens?: boolean } = {}): Promise<void> {
    const old = this.wsPortValue;
    this.powerEpoch++;
    this.powerTimers.clear();
    this.poweredOff = false;
    await this.goDown(options.forgetTokens === true);
    await this.comeUp(old, options.wsPort);
  }

  /** Every socket closes and the WebSocket server stops; calls end. */
  private async goDown(forgetTokens: boolean): Promise<void> {
    this.timers.clear();
    this.terminateAll();
    await closeServer(this.wsServer);
    this.wsServer = undefined;
    this.world.resetAfterRestart();
    this.state.resetAfterRestart();
    if (forgetTokens) this.book.clearTokens();
  }

  /** The WebSocket comes back on `wsPort`, or on the next free port above the old one. */
  private async comeUp(old: number, wsPort?: number): Promise<void> {
    if (!this.running) return;
    if (wsPort !== undefined) await this.listenWs(wsPort, true);
    else if (old + 1 <= 65535) await this.listenWs(old + 1, false, old);
    else await this.listenWs(0, true);
    // stop() while binding: the new server must not outlive it (it would keep the process alive).
    if (!this.running) {
      await closeServer(this.wsServer);
      this.wsServer = undefined;
      return;
    }
    this.log.add('info', `restarted: WebSocket moved from port ${old} to ${this.wsPortValue}`);
    this.emit('restarted', { wsPort: this.wsPortValue });
  }

  /**
   * shutdown, shutdownSystem, rebootSystem: after the response, every connection closes and config.json
   * answers 503; `powerCycleMs` later the Room is back, on the next free WebSocket port above the old one
   * (as a restarted Room that finds its port taken), with its tokens forgotten (docs/protocol.md §5.5). A Room
   * that was shut down coming back by itself stands for someone switching it on again [INF].
   */
  private powerCycle(method: string): void {
    if (this.poweredOff || !this.running) return;
    this.poweredOff = true;
    const epoch = ++this.powerEpoch;
    const delay = this.options.powerCycleMs ?? DEFAULT_POWER_CYCLE_MS;
    const old = this.wsPortValue;
    this.log.add('info', `${method}: the Room goes down and comes back in ${delay} ms`);
    this.emit('poweredOff', { method });
    const comeBack = () => {
      if (!this.running || epoch !== this.powerEpoch) return;
      this.comeUp(old).then(
        () => (this.poweredOff = false),
        (err: Error) => this.log.add('info', `emulator error: cannot come back (${err.message})`),
      );
    };
    this.goDown(true).then(
      () => {
        if (this.running && epoch === this.powerEpoch) this.powerTimers.after(delay, comeBack);
      },
      (err: Error) => this.log.add('info', `emulator error: ${err.message}`),
    );
  }

  /** True between a power command and the Room coming back. */
  get isPoweredOff(): boolean {
    return this.poweredOff;
  }

  // ---- inspection -----------------------------------------------------------------------------------

  get webPort(): number {
    return this.webPortValue;
  }

  get wsPort(): number {
    return this.wsPortValue;
  }

  /** ws://host:wsPort (wss:// with tls). */
  get url(): string {
    return `${this.options.tls ? 'wss' : 'ws'}://${this.hostForUrl}:${this.wsPortValue}`;
  }

  /** http://host:webPort/ - the status page. */
  get webUrl(): string {
    return `${this.options.tls ? 'https' : 'http'}://${this.hostForUrl}:${this.webPortValue}/`;
  }

  get configUrl(): string {
    return `${this.webUrl}public/${encodeURIComponent(this.instance)}/config.json`;
  }

  get appState(): number {
    return this.world.appState;
  }

  /** `room`, or `videosdk` (no access levels). */
  get product(): 'room' | 'videosdk' {
    return this.options.product === 'videosdk' ? 'videosdk' : 'room';
  }

  get conference(): EmulatedConference | undefined {
    return this.world.conference;
  }

  get mute(): { mic: boolean; video: boolean; audio: boolean } {
    return { ...this.world.mute };
  }

  get settings(): Record<string, unknown> {
    return { ...this.world.settings };
  }

  /** Sleep mode (setSleepMode / getSleepMode). */
  get sleepMode(): boolean {
    return this.state.system.sleepMode;
  }

  /** The address book's contacts (CallId form). */
  get abook(): Array<{ peerId: string; peerDn: string; status: number }> {
    return this.state.abook.list();
  }

  /** The selected devices and PTZ position (what getHardware / getPtzControls report). */
  get devices(): {
    audioCapturer: string;
    audioRenderer: string;
    videoCapturer: string;
    ptz: { pan: number; tilt: number; zoom: number };
  } {
    const d = this.state.devices;
    return {
      audioCapturer: d.audioCapturer.name,
      audioRenderer: d.audioRenderer.name,
      videoCapturer: d.videoCapturer.name,
      ptz: { ...d.ptz },
    };
  }

  /** A file appears on the Room's embedded HTTP server (for setLogo, addSlide, sendFile ...). Returns its fileId. */
  addFile(fileName: string, size?: number): number {
    return this.state.system.addFile(fileName, size);
  }

  /** The Room's own id (login@server). */
  get roomId(): string {
    return this.world.roomId;
  }

  get connectionCount(): number {
    let n = 0;
    for (const c of this.connections.values()) if (c.ws.readyState === WebSocket.OPEN) n++;
    return n;
  }

  clients(): ClientInfo[] {
    return [...this.connections.values()].map((c) => ({
      connId: c.id,
      role: c.role,
      apiVersion: c.apiVersion,
      remoteAddress: c.remoteAddress,
    }));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  // ---- the far end and the room's world -------------------------------------------------------------

  /** A far end calls the Room: inviteReceived + appState 4. Throws when the Room is not idle. Returns the confId. */
  incomingCall(options: IncomingCallOptions): string {
    return this.world.incomingCall(options);
  }

  /**
   * Someone joins the conference: a new instance of that user (`user@server/INSTANCE`), unless `peerId` is an
   * InstanceId already. Returns the participant's InstanceId.
   */
  participantJoins(options: { peerId: string; peerDn?: string }): string {
    return this.world.participantJoins(options);
  }

  /** A participant speaks: in a smart meeting (VAD) they take a podium slot; the longest silent unpinned one leaves. */
  participantSpeaks(peerId: string): void {
    this.world.confs.podium.speak(peerId);
  }

  /** A participant of a role-based conference asks for the podium (acceptRequestToPodium / rejectRequestToPodium). */
  requestPodium(peerId: string): void {
    this.world.confs.podium.requestPodium(peerId);
  }

  /** The far owner invites the Room to the podium (acceptInvitationToPodium / rejectInvitationToPodium). */
  inviteRoomToPodium(): void {
    this.world.confs.podium.inviteRoomToPodium();
  }

  /** A participant asks to control the Room's camera (accept/rejectRequestCameraControl). Returns their InstanceId. */
  cameraControlRequest(callId: string): string {
    return this.state.camera.incomingRequest(callId);
  }

  /** A chat message to the Room: from a peer, or (group) in the conference. */
  incomingChatMessage(options: { peerId: string; message: string; group?: boolean }): void {
    this.state.messaging.receive(options.peerId, options.message, options.group === true);
  }

  /** A participant (or peer) offers the Room a file (acceptFile / rejectFile). Returns the transfer id. */
  incomingFile(options: { peerId: string; fileName: string; size?: number }): number {
    return this.state.messaging.offer(options.peerId, options.fileName, options.size ?? 1024);
  }

  /** A participant asks to record the Room (allowRecord / denyRecord). */
  recordRequest(peerId: string): void {
    this.world.confs.moderation.recordRequest(peerId);
  }

  participantLeaves(peerId: string): boolean {
    return this.world.participantLeaves(peerId);
  }

  /** Someone asks to join the Room's conference: requestInviteReceived (acceptPeer/rejectPeer answer it). */
  requestToJoin(options: { peerId: string; peerDn?: string }): void {
    this.world.requestToJoin(options);
  }

  /** Broadcasts {method:'event', event:name, ...fields} to every authorized controller. */
  emitEvent(name: string, fields: Record<string, unknown> = {}): void {
    this.broadcast(name, fields);
  }

  /** Changes credentials; the connection holding a changed mode gets authorizationNeeded cause 3 (admin) / 4 (user). */
  setAuth(auth: { admin?: ModeAuth; user?: ModeAuth }): void {
    const modes: ControlMode[] = ['admin', 'user'];
    for (const mode of modes) {
      const given = auth[mode];
      if (given) this.sessions.changeProtection(mode, given);
    }
  }

  // ---- servers --------------------------------------------------------------------------------------

  private get hostForUrl(): string {
    return this.host.includes(':') ? `[${this.host}]` : this.host;
  }

  private createServer(handler?: http.RequestListener): http.Server {
    const tls = this.options.tls;
    const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    server.on('clientError', (_err, socket) => socket.destroy());
    return server;
  }

  private trackSockets(server: http.Server, refusable: boolean): void {
    // TLS servers report the plain TCP socket on 'connection'; refusing there covers both.
    server.on('connection', (socket: Socket) => {
      if (refusable && this.faultState.refusing) {
        socket.destroy();
        return;
      }
      this.rawSockets.add(socket);
      socket.once('close', () => this.rawSockets.delete(socket));
    });
  }

  private async listenWs(port: number, strict: boolean, skip?: number): Promise<void> {
    const create = () => {
      const server = this.createServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
        res.end('WebSocket only');
      });
      server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
      this.trackSockets(server, true);
      return server;
    };
    const bound =
      strict || port === 0
        ? await (async () => {
            const server = create();
            return { server, port: await listen(server, port, this.host) };
          })()
        : await listenOnFreePort(create, port, this.host, { tries: DEFAULT_WS_PORT_IN_USE_TRIES, skip });
    this.wsServer = bound.server;
    this.wsPortValue = bound.port;
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.faultState.refusing || !this.running) {
      socket.destroy();
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://emulator.invalid').pathname;
    const version = PATH_VERSIONS[pathname];
    if (version === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, version, req.socket.remoteAddress));
  }

  private onConnection(ws: WebSocket, apiVersion: number, remoteAddress?: string): void {
    const conn: Connection = { id: this.nextConnId++, ws, apiVersion, remoteAddress };
    this.connections.set(conn.id, conn);
    this.log.add('info', `controller connected (API v${apiVersion})`, conn.id);
    ws.on('message', (data, isBinary) => this.onFrame(conn, data, isBinary));
    ws.on('ping', (data) => {
      if (!this.faultState.pongsStopped && ws.readyState === WebSocket.OPEN) ws.pong(data);
    });
    ws.on('error', (err) => this.log.add('info', `socket error: ${err.message}`, conn.id));
    ws.on('close', () => {
      this.sessions.release(conn);
      this.connections.delete(conn.id);
      this.log.add('info', 'controller disconnected', conn.id);
      this.emit('disconnect', conn.id);
    });
    this.emit('connection', conn.id);
  }

  private terminateAll(): void {
    for (const conn of this.connections.values()) conn.ws.terminate();
  }

  // ---- frames ---------------------------------------------------------------------------------------

  private onFrame(conn: Connection, data: RawData, isBinary: boolean): void {
    try {
      const text = frameText(data);
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        this.log.add('in', `(not JSON${isBinary ? ', binary' : ''}) ${text.slice(0, 200)}`, conn.id);
        this.respond(conn, '', '', fail('invalid JSON'));
        return;
      }
      if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
        this.log.add('in', `(not an object) ${text.slice(0, 200)}`, conn.id);
        this.respond(conn, '', '', fail('request must be a JSON object'));
        return;
      }
      const request = frame as Record<string, unknown>;
      this.record(conn, request);
      this.log.frame('in', request, conn.id);
      this.emit('request', request, conn.id);
      const method = typeof request.method === 'string' ? request.method : '';
      const requestId =
        typeof request.requestId === 'string' || typeof request.requestId === 'number' ? request.requestId : '';
      if (this.faultState.isSilent(method)) {
        this.log.add('info', `not answering ${method || 'request'} (neverAnswer fault)`, conn.id);
        return;
      }
      this.respond(conn, method, requestId, this.execute(conn, method, request));
    } catch (err) {
      this.log.add('info', `emulator error: ${err instanceof Error ? err.message : String(err)}`, conn.id);
    }
  }

  private record(conn: Connection, frame: Record<string, unknown>): void {
    this.requests.push({ connId: conn.id, frame, at: Date.now() });
    const max = this.options.maxRecordedRequests ?? 100_000;
    if (this.requests.length > max) this.requests.splice(0, Math.max(1, Math.floor(max / 10)));
  }

  /** The gate every command passes: auth, known method, admin-only, parameters; then its handler. */
  private execute(conn: Connection, method: string, frame: Record<string, unknown>): Reply {
    if (method === '') return fail('missing "method"');
    if (!conn.role && !PRE_AUTH_METHODS.has(method)) return fail('not authorized');
    const spec = methodSpec(method);
    if (!spec) return fail(`unknown method "${method}"`);
    if (spec.adminOnly && conn.role !== 'admin') return fail('access denied: requires administrator mode');
    const problem = checkParams(spec, frame);
    if (problem) return fail(problem);
    try {
      return handle(method, {
        frame,
        session: conn,
        world: this.world,
        state: this.state,
        sessions: this.sessions,
        notify: (event, fields) => this.broadcast(event, fields),
        resolve: (id) => this.world.resolve(id),
        displayName: (id) => this.world.displayName(id),
        powerCycle: (method) => this.powerCycle(method),
        samples: {
          domain: this.world.domain,
          roomId: this.world.roomId,
          roomDn: this.world.roomDn,
          webPort: this.webPortValue,
          product: this.product,
        },
        clearTokens: () => this.book.clearTokens(),
        remark: (text) => this.log.add('info', text, conn.id),
      });
    } catch (err) {
      return fail(`internal emulator error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private respond(conn: Connection, method: string, requestId: unknown, reply: Reply): void {
    const frame: Record<string, unknown> = { method, requestId, result: reply.ok };
    if (reply.fields) Object.assign(frame, reply.fields);
    if (!reply.ok) frame.error = reply.error;
    const deliver = () => {
      this.send(conn, frame, 'out');
      this.emit('response', frame, conn.id);
      if (reply.ok && reply.then) reply.then();
    };
    if (this.faultState.delayMs > 0) this.timers.after(this.faultState.delayMs, deliver);
    else deliver();
  }

  private send(conn: Connection, frame: Record<string, unknown>, dir: 'out' | 'event'): void {
    if (dir === 'out') this.log.frame('out', frame, conn.id);
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    try {
      conn.ws.send(JSON.stringify(frame));
    } catch (err) {
      this.log.add('info', `send failed: ${err instanceof Error ? err.message : String(err)}`, conn.id);
    }
  }

  private broadcast(event: string, fields: Record<string, unknown>): void {
    // fields cannot override the envelope
    const frame = { method: 'event', event, ...fields };
    frame.method = 'event';
    frame.event = event;
    this.log.frame('event', frame);
    for (const conn of this.connections.values()) if (conn.role) this.send(conn, frame, 'event');
    this.emit('notification', event, fields);
  }

  private deauthorize(conn: Connection, cause: number): void {
    const frame = { method: 'event', event: 'authorizationNeeded', cause };
    this.log.frame('event', frame, conn.id);
    this.send(conn, frame, 'event');
    this.emit('deauthorized', { connId: conn.id, cause });
  }

  // ---- faults and the web view ----------------------------------------------------------------------

  private makeFaultHooks(): FaultHooks {
    const state = this.faultState;
    return {
      dropConnections: () => {
        this.log.add('info', 'fault: dropping every connection');
        this.terminateAll();
      },
      refuseConnections: (on) => {
        state.refusing = on;
        this.log.add('info', `fault: refusing connections ${on ? 'on' : 'off'}`);
      },
      delayResponses: (ms) => {
        state.delayMs = Math.max(0, Number(ms) || 0);
        this.log.add('info', `fault: responses delayed by ${state.delayMs} ms`);
      },
      neverAnswer: (methods) => {
        state.setSilent(methods);
        this.log.add(
          'info',
          `fault: never answering ${methods === true ? 'anything' : methods && methods.length ? methods.join(', ') : 'nothing'}`,
        );
      },
      sendRaw: (data, options = {}) => {
        const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
        this.log.add('info', `fault: raw ${options.binary ? 'binary' : 'text'} frame of ${size} bytes to every socket`);
        for (const conn of this.connections.values()) {
          if (conn.ws.readyState === WebSocket.OPEN) conn.ws.send(data, { binary: options.binary === true });
        }
      },
      stopPongs: (on) => {
        state.pongsStopped = on;
        this.log.add('info', `fault: pongs ${on ? 'stopped' : 'answered'}`);
      },
      reset: () => {
        state.reset();
        this.log.add('info', 'fault: all faults off');
      },
    };
  }

  private webView() {
    return {
      instance: this.instance,
      refusing: () => this.faultState.refusing || this.poweredOff,
      configJson: () => ({
        config: {
          websocket: { hostname: null, port: this.wsPortValue },
          http: { hostname: null, port: this.webPortValue },
        },
      }),
      status: (since: number) => ({
        instance: this.instance,
        product: this.product,
        url: this.url,
        webPort: this.webPortValue,
        wsPort: this.wsPortValue,
        roomId: this.world.roomId,
        appState: this.world.appState,
        appStateName: appStateName(this.world.appState),
        pendingCall: this.world.pendingCall ?? null,
        conference: this.world.conference ?? null,
        mute: { ...this.world.mute },
        sleepMode: this.state.system.sleepMode,
        poweredOff: this.poweredOff,
        clients: this.clients().map(({ connId, role, apiVersion }) => ({ connId, role: role ?? null, apiVersion })),
        log: this.log.since(since),
      }),
      action: (name: string, params: URLSearchParams) => {
        const peerId = params.get('peerId') ?? '';
        if (!peerId) throw new Error('peerId is required');
        if (name === 'incoming-call') this.incomingCall({ peerId });
        else if (name === 'participant-joins') this.participantJoins({ peerId });
        else if (!this.participantLeaves(peerId)) throw new Error(`${peerId} is not in the conference`);
      },
    };
  }
}

function closeServer(server: http.Server | undefined): Promise<void> {
  if (!server || !server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}
