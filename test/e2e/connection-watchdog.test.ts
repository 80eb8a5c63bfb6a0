import assert from 'node:assert/strict';
import { startExample, type ExampleRig } from './support/example-rig';
import { connectPanel, type MqttPanel } from './support/mqtt-panel';
import { connectController, type RoomController } from './support/room-controller';

/**
 * Example "05 Connection watchdog": one alert per outage (lost, displaced, credentials rejected) on the
 * debug sidebar and, retained, on trueconf/room1/alert; "recovered" when the Room is back.
 */
describe('example 05 Connection watchdog', function () {
  this.timeout(120000);
  let rig: ExampleRig | undefined;
  let dashboard: MqttPanel | undefined;
  let intruder: RoomController | undefined;
  const TOPIC = 'trueconf/room1/alert';

  interface Alert {
    alert: boolean;
    state: string;
    text: string;
    reason?: string;
    after?: string;
  }

  before(async () => {
    rig = await startExample('05 Connection watchdog');
    dashboard = await connectPanel(rig.broker!.url, 'alert-dashboard');
    await dashboard.subscribe(TOPIC);
  });

  after(async () => {
    await intruder?.close().catch(() => undefined);
    await dashboard?.close().catch(() => undefined);
    await rig?.stop();
  });

  const alerts = () => dashboard!.received.filter((m) => m.topic === TOPIC).map((m) => m.payload as Alert);
  const nextAlert = async (since: number, match: (a: Alert) => boolean, timeoutMs = 30000) => {
    const found = await dashboard!.waitFor(
      TOPIC,
      (p, m) => dashboard!.received.indexOf(m) >= since && match(p as Alert),
      timeoutMs,
    );
    return found.payload as Alert;
  };

  it('raises no alert for the first connect after deploy; the retained word says "connected"', async () => {
    // Retained, so it also replaces an alert that an earlier run of the flow left on the broker.
    const first = await nextAlert(0, () => true);
    assert.equal(first.alert, false);
    assert.equal(first.state, 'ready');
    assert.deepEqual(
      alerts().filter((a) => a.alert),
      [],
    );
  });

  it('alerts once when the Room becomes unreachable, and reports recovery', async () => {
    const emulator = rig!.emulator;
    let since = dashboard!.received.length;
    emulator.faults.refuseConnections(true);
    emulator.faults.dropConnections();
    const lost = await nextAlert(since, (a) => a.alert);
    assert.equal(lost.state, 'lost');
    assert.match(lost.text, /unreachable/);
    const shown = await rig!.comms.waitForDebug('alert', (v) => (v as Alert).state === 'lost');
    assert.equal((shown.value as Alert).alert, true);

    since = dashboard!.received.length;
    emulator.faults.refuseConnections(false);
    const recovered = await nextAlert(since, (a) => !a.alert, 45000);
    assert.equal(recovered.state, 'recovered');
    assert.equal(recovered.after, 'lost');
    assert.equal(alerts().filter((a) => a.state === 'lost').length, 1, 'one alert for the outage, not one per retry');

    // A dashboard that connects now sees the current (retained) word at once.
    const late = await connectPanel(rig!.broker!.url, 'late-dashboard');
    try {
      await late.subscribe(TOPIC);
      const first = await late.waitFor(TOPIC);
      assert.equal(first.retain, true);
      assert.equal((first.payload as Alert).state, 'recovered');
    } finally {
      await late.close();
    }
  });

  it('alerts when another client takes over the control mode', async () => {
    const since = dashboard!.received.length;
    intruder = await connectController(rig!.emulator.url, 'admin');
    const displaced = await nextAlert(since, (a) => a.alert);
    assert.equal(displaced.state, 'displaced');
    await intruder.close();
    intruder = undefined;
  });

  it('alerts when the Room rejects the credentials', async () => {
    const emulator = rig!.emulator;
    // Whatever the node does after being displaced, make sure it is back before the next outage.
    if (alerts().at(-1)?.alert) await nextAlert(dashboard!.received.length - 1, (a) => !a.alert, 45000);
    const since = dashboard!.received.length;
    // Someone sets PINs on the Room: the unsecured connection loses its mode and cannot get it back.
    emulator.setAuth({ admin: { type: 'pin', secret: '1357' }, user: { type: 'pin', secret: '2468' } });
    const rejected = await nextAlert(since, (a) => a.alert && a.state === 'auth-failed', 45000);
    assert.match(rejected.text, /credentials/);
    assert.ok(!JSON.stringify(alerts()).includes('1357'), 'no secret in the alert');
  });
});
