import assert from 'node:assert/strict';
import { mosquittoAvailable, type BrokerKind } from '../support/mqtt-broker';
import { waitUntil } from '../support/wait';
import { startExample, type ExampleRig } from './support/example-rig';
import { connectPanel, type MqttPanel } from './support/mqtt-panel';

/**
 * Example "02 MQTT wall panel": a panel on MQTT drives the Room and follows its state. Runs against the
 * embedded aedes and against Debian's mosquitto (what most users run).
 */

const ROOM = 'trueconf/room1';

interface State {
  connected: boolean;
  appState: number | null;
  inConference: boolean;
  confId: string | null;
  participants: number;
}

function wallPanelSuite(kind: BrokerKind): void {
  describe(`example 02 MQTT wall panel (${kind})`, function () {
    this.timeout(120000);
    let rig: ExampleRig | undefined;
    let panel: MqttPanel | undefined;
    const late: MqttPanel[] = [];

    before(async function () {
      if (kind === 'mosquitto' && !mosquittoAvailable()) {
        if (process.env.CI === 'true')
          throw new Error('mosquitto is not installed (apt-get install -y mosquitto); CI needs it');
        console.log('      (skipped: mosquitto is not installed; apt-get install -y mosquitto to run it)');
        this.skip();
      }
      rig = await startExample('02 MQTT wall panel', { broker: kind });
      panel = await connectPanel(rig.broker!.url, 'wall-panel');
      await panel.subscribe(`${ROOM}/#`);
    });

    after(async () => {
      for (const p of late.splice(0)) await p.close().catch(() => undefined);
      await panel?.close().catch(() => undefined);
      await rig?.stop();
    });

    /** A panel that connects now: its first message on the state topic must be the retained truth. */
    async function latePanelState(): Promise<{ state: State; retain: boolean }> {
      const p = await connectPanel(rig!.broker!.url, 'late-panel');
      late.push(p);
      await p.subscribe(`${ROOM}/state`);
      const first = await p.waitFor(`${ROOM}/state`, () => true, 10000);
      return { state: first.payload as State, retain: first.retain };
    }

    /** Where the panel's record stands now: later waits only look at messages after it. */
    const mark = () => panel!.received.length;
    /** The first state published after `since` that matches. */
    const stateAfter = (since: number, match: (s: State) => boolean, what: string) =>
      panel!
        .waitFor(`${ROOM}/state`, (p, m) => panel!.received.indexOf(m) >= since && match(p as State), 20000)
        .catch((err: Error) => {
          throw new Error(`state never became ${what}: ${err.message}`);
        });

    it('publishes the Room state retained once connected, so a panel that connects late sees it at once', async () => {
      await stateAfter(0, (s) => s.connected && s.appState === 3, 'connected and idle');
      const { state, retain } = await latePanelState();
      assert.equal(retain, true, 'the state message is retained');
      assert.deepEqual(state, { connected: true, appState: 3, inConference: false, confId: null, participants: 0 });
    });

    it('answers a command with empty body on response/<method>', async () => {
      await panel!.publish(`${ROOM}/cmd/getAppState`, '');
      const reply = await panel!.waitFor(`${ROOM}/response/getAppState`);
      assert.equal((reply.payload as { result?: boolean }).result, true);
      assert.equal((reply.payload as { appState?: number }).appState, 3);
    });

    it('places a call from cmd/call and follows it in events and the retained state', async () => {
      const emulator = rig!.emulator;
      const since = mark();
      await panel!.publish(`${ROOM}/cmd/call`, { peerId: 'echo' });
      const reply = await panel!.waitFor(`${ROOM}/response/call`);
      assert.equal((reply.payload as { result?: boolean }).result, true);
      assert.ok(
        emulator.requests.some((r) => r.frame.method === 'call' && r.frame.peerId === 'echo'),
        'the Room received the call command',
      );
      const created = await panel!.waitFor(`${ROOM}/event/conferenceCreated`);
      const confId = (created.payload as { confId?: string }).confId;
      assert.ok(confId, 'conferenceCreated carries a confId');
      assert.equal(confId, emulator.conference?.confId);
      await panel!.waitFor(`${ROOM}/event/appStateChanged`, (p) => (p as { appState?: number }).appState === 5);

      const expected = emulator.conference!.participants.length;
      await stateAfter(
        since,
        (s) => s.inConference && s.confId === confId && s.participants === expected,
        `in conference ${confId}`,
      );
      const { state, retain } = await latePanelState();
      assert.equal(retain, true);
      assert.deepEqual(state, { connected: true, appState: 5, inConference: true, confId, participants: expected });
    });

    it('keeps the participant count current when someone joins and leaves', async () => {
      const emulator = rig!.emulator;
      const before = emulator.conference!.participants.length;
      let since = mark();
      emulator.participantJoins({ peerId: 'carol' });
      await panel!.waitFor(`${ROOM}/event/newParticipantInConference`);
      await stateAfter(since, (s) => s.participants === before + 1, `${before + 1} participants`);
      assert.equal((await latePanelState()).state.participants, before + 1);

      since = mark();
      assert.equal(emulator.participantLeaves('carol@emulator.local'), true);
      await panel!.waitFor(`${ROOM}/event/participantLeftConference`);
      await stateAfter(since, (s) => s.participants === before, `${before} participants again`);
      assert.equal((await latePanelState()).state.participants, before);
    });

    it('answers a failing command with {error, code} on its response topic', async () => {
      await panel!.publish(`${ROOM}/cmd/noSuchMethod`, {});
      const unknown = await panel!.waitFor(`${ROOM}/response/noSuchMethod`);
      assert.equal((unknown.payload as { code?: string }).code, 'UNKNOWN_METHOD');
      assert.match(String((unknown.payload as { error?: string }).error), /noSuchMethod/);

      await panel!.publish(`${ROOM}/cmd/setMicMute`, 'not json');
      const invalid = await panel!.waitFor(`${ROOM}/response/setMicMute`);
      assert.equal((invalid.payload as { code?: string }).code, 'INVALID_PARAMS');
      assert.ok(
        !rig!.emulator.requests.some((r) => r.frame.method === 'setMicMute'),
        'nothing invalid reached the Room',
      );
    });

    it('hangs up from cmd/hangUp and the retained state goes back to idle', async () => {
      const since = mark();
      await panel!.publish(`${ROOM}/cmd/hangUp`, {});
      await panel!.waitFor(`${ROOM}/response/hangUp`);
      await waitUntil(rig!.emulator, ['appState'], () => rig!.emulator.appState === 3, 20000, 'the Room idle again');
      await stateAfter(
        since,
        (s) => s.appState === 3 && !s.inConference && s.confId === null && s.participants === 0,
        'idle',
      );
      const { state } = await latePanelState();
      assert.deepEqual(state, { connected: true, appState: 3, inConference: false, confId: null, participants: 0 });
    });
  });
}

wallPanelSuite('aedes');
wallPanelSuite('mosquitto');
