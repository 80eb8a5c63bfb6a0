import assert from 'node:assert/strict';
import { waitUntil } from '../support/wait';
import { startExample, type ExampleRig } from './support/example-rig';

/** Example "04 Auto-answer allowlist": calls from listed ids are accepted, the rest rejected. */
describe('example 04 Auto-answer allowlist', function () {
  this.timeout(120000);
  let rig: ExampleRig | undefined;

  before(async () => {
    rig = await startExample('04 Auto-answer allowlist');
  });

  after(async () => {
    await rig?.stop();
  });

  const appState = (state: number, what: string) =>
    waitUntil(rig!.emulator, ['appState'], () => rig!.emulator.appState === state, 20000, what);
  const count = (method: string) => rig!.emulator.requests.filter((r) => r.frame.method === method).length;

  it('accepts a call from an id on the allowlist', async () => {
    rig!.emulator.incomingCall({ peerId: 'alice@emulator.local' });
    await appState(5, 'the call answered');
    assert.equal(count('accept'), 1);
    assert.equal(count('reject'), 0);
    const shown = await rig!.comms.waitForDebug('accepted');
    assert.equal((shown.value as { peerId?: string }).peerId, 'alice@emulator.local');
    // The caller hangs up: a p2p call ends when the other side leaves.
    rig!.emulator.participantLeaves('alice@emulator.local');
    await appState(3, 'idle again');
  });

  it('accepts a listed user name on any server, ignoring an instance suffix', async () => {
    rig!.emulator.incomingCall({ peerId: 'reception@branch.example/4f2a' });
    await appState(5, 'the call answered');
    assert.equal(count('accept'), 2);
    rig!.emulator.participantLeaves(rig!.emulator.conference!.participants.find((p) => !p.self)!.peerId);
    await appState(3, 'idle again');
  });

  it('rejects a call from anyone else', async () => {
    rig!.emulator.incomingCall({ peerId: 'mallory@emulator.local' });
    await waitUntil(rig!.emulator, ['request'], () => count('reject') === 1, 15000, 'the reject command');
    await appState(3, 'the call rejected');
    assert.equal(count('accept'), 2, 'no accept for mallory');
    const shown = await rig!.comms.waitForDebug('rejected');
    assert.equal((shown.value as { peerId?: string }).peerId, 'mallory@emulator.local');
  });
});
