import assert from 'node:assert/strict';
import { waitUntil } from '../support/wait';
import { startExample, type ExampleRig } from './support/example-rig';
import { connectPanel, type MqttPanel } from './support/mqtt-panel';
import { connectController, type RoomController } from './support/room-controller';

/**
 * Example "03 Occupancy": an MQTT occupancy sensor; an empty room in a conference is hung up after the
 * "empty for" time (1 s here, as a user would set it in the trigger node), and the Room is woken when
 * someone enters.
 */
describe('example 03 Occupancy', function () {
  this.timeout(120000);
  let rig: ExampleRig | undefined;
  let sensor: MqttPanel | undefined;
  let touchPanel: RoomController | undefined;
  const TOPIC = 'trueconf/room1/occupancy';

  before(async () => {
    rig = await startExample('03 Occupancy', {
      edit: (_flows, find) => {
        const trigger = find('empty for');
        trigger.duration = '1';
        trigger.units = 's';
      },
    });
    sensor = await connectPanel(rig.broker!.url, 'occupancy-sensor');
    // The Room's own touch panel (user mode; Node-RED holds admin) starts the conferences in this test.
    touchPanel = await connectController(rig.emulator.url, 'user');
  });

  after(async () => {
    await touchPanel?.close().catch(() => undefined);
    await sensor?.close().catch(() => undefined);
    await rig?.stop();
  });

  const appState = (state: number, what: string, timeoutMs = 20000) =>
    waitUntil(rig!.emulator, ['appState'], () => rig!.emulator.appState === state, timeoutMs, what);
  const requestsFor = (method: string) => rig!.emulator.requests.filter((r) => r.frame.method === method);
  /** Where the decision node stands: its status text (what the user sees under it). */
  const decideStatus = (match: RegExp) =>
    waitUntil(
      rig!.comms.events,
      ['status'],
      () => match.test(rig!.comms.statuses.get(rig!.node('decide').id)?.text ?? ''),
      15000,
      `decide status ${match}`,
    );

  async function startConference(): Promise<void> {
    const reply = await touchPanel!.request('call', { peerId: 'echo' });
    assert.equal(reply.result, true);
    await appState(5, 'the Room in a conference');
    await decideStatus(/in conference/);
  }

  /** The touch panel puts the Room to sleep, so that a wake is something that can be seen. */
  async function sleep(): Promise<void> {
    assert.equal((await touchPanel!.request('setSleepMode', { enabled: true })).result, true);
    assert.equal(rig!.emulator.sleepMode, true);
  }

  /** The Room is awake: by its own state, and as getSleepMode reports it to another controller. */
  async function assertAwake(): Promise<void> {
    assert.equal(rig!.emulator.sleepMode, false, 'the Room is awake');
    assert.equal((await touchPanel!.request('getSleepMode')).enabled, false, 'getSleepMode reports it awake');
  }

  it('wakes the Room when someone enters', async () => {
    await sleep();
    await sensor!.publish(TOPIC, 'occupied');
    await waitUntil(rig!.emulator, ['request'], () => requestsFor('setSleepMode').length === 2, 15000, 'setSleepMode');
    assert.deepEqual(requestsFor('setSleepMode')[1].frame.enabled, false);
    const woken = await rig!.comms.waitForDebug('woken');
    assert.equal((woken.value as { result?: boolean }).result, true);
    await assertAwake();
  });

  it('does not wake the Room again while it stays occupied', async () => {
    await sensor!.publish(TOPIC, { occupied: true });
    await decideStatus(/^occupied/);
    // A short window in which a second wake would have been sent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(requestsFor('setSleepMode').length, 2, 'the touch panel once, the flow once');
  });

  it('hangs up a conference once the room has been empty for the set time', async () => {
    await startConference();
    const emptiedAt = Date.now();
    await sensor!.publish(TOPIC, 'empty');
    await appState(3, 'the Room hung up', 20000);
    assert.ok(Date.now() - emptiedAt >= 900, 'not before the "empty for" time');
    assert.equal(requestsFor('hangUp').length, 1);
    await rig!.comms.waitForDebug('hung up');
  });

  it('does not hang up when someone comes back in time, and wakes the Room', async () => {
    await sleep();
    await sensor!.publish(TOPIC, 'occupied');
    await waitUntil(
      rig!.emulator,
      ['request'],
      () => requestsFor('setSleepMode').length === 4,
      15000,
      'the second wake',
    );
    await assertAwake();
    await startConference();
    await sensor!.publish(TOPIC, 'false');
    await decideStatus(/^empty, in conference/);
    await sensor!.publish(TOPIC, 'true');
    await decideStatus(/^occupied, in conference/);
    // Longer than the 1 s "empty for" time: the cancelled timer must not fire.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(rig!.emulator.appState, 5, 'still in the conference');
    assert.equal(requestsFor('hangUp').length, 1, 'no second hang-up');
  });

  it('starts the timer when a conference starts in an empty room', async () => {
    await touchPanel!.request('hangUp');
    await appState(3, 'idle');
    await sensor!.publish(TOPIC, 'empty');
    await decideStatus(/^empty$/);
    await startConference();
    await appState(3, 'the Room hung up again', 20000);
    assert.equal(requestsFor('hangUp').length, 3, 'the touch panel hung up once, the flow twice');
  });
});
