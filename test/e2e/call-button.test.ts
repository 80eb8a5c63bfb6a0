import assert from 'node:assert/strict';
import { waitUntil } from '../support/wait';
import { startExample, type ExampleRig } from './support/example-rig';

/** Example "01 Call button": inject buttons place calls; the debug sidebar shows the outcome or the cause. */
describe('example 01 Call button', function () {
  this.timeout(120000);
  let rig: ExampleRig | undefined;

  before(async () => {
    rig = await startExample('01 Call button');
  });

  after(async () => {
    await rig?.stop();
  });

  const press = (name: string) => rig!.nodeRed.inject(rig!.node(name).id);
  const roomIdle = () =>
    waitUntil(rig!.emulator, ['appState'], () => rig!.emulator.appState === 3, 20000, 'the Room idle');

  it('calls a peer that answers and shows the conference in the debug sidebar', async () => {
    await press('Call echo (answers)');
    const answered = await rig!.comms.waitForDebug(
      'call answered',
      (v) => (v as { payload?: { event?: string } }).payload?.event === 'conferenceCreated',
    );
    const msg = answered.value as { payload: { confId: string }; response: { result: boolean } };
    assert.equal(msg.response.result, true, 'msg.response holds the immediate reply');
    assert.equal(msg.payload.confId, rig!.emulator.conference?.confId);
    assert.equal(rig!.emulator.appState, 5);
    assert.ok(rig!.emulator.requests.some((r) => r.frame.method === 'call' && r.frame.peerId === 'echo'));
  });

  it('hangs up from the Hang up button', async () => {
    await press('Hang up');
    await roomIdle();
    const reply = await rig!.comms.waitForDebug('hang-up reply');
    assert.equal((reply.value as { result?: boolean }).result, true);
  });

  it('shows the readable cause when the callee is busy', async () => {
    await press('Call busy (rejects)');
    const failed = await rig!.comms.waitForDebug('call failed');
    const value = failed.value as { code: string; cause: string };
    assert.equal(value.code, 'OUTCOME_FAILED');
    assert.match(value.cause, /busy/i);
    await roomIdle();
    assert.equal(rig!.comms.debug.filter((m) => m.name === 'call answered').length, 1, 'no second "answered" output');
  });

  it('shows the readable cause when the callee declines', async () => {
    await press('Call decline (declines)');
    const failed = await rig!.comms.waitForDebug('call failed', (v) => /reject/i.test((v as { cause: string }).cause));
    assert.equal((failed.value as { code: string }).code, 'OUTCOME_FAILED');
  });
});
