import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import {
  configNode,
  helper,
  Inbox,
  inject,
  isReadyIdle,
  load,
  node,
  placed,
  startRoom,
  waitForStatus,
  withNodeRed,
  type Msg,
} from './harness';

/** config (with a role) + a command node + an event node (all events) + a catch node, against one Room. */
function flow(room: RoomEmulator, role: string): object[] {
  return [
    { id: 'tab', type: 'tab', label: 'videosdk' },
    configNode(room, { role }),
    placed({ id: 'cmd', type: 'room-command', z: 'tab', room: 'cfg', method: '', params: {}, wires: [['out']] }),
    placed({ id: 'out', type: 'helper', z: 'tab' }),
    placed({ id: 'ev', type: 'room-event', z: 'tab', room: 'cfg', events: [], topicPrefix: '', wires: [['ev-out']] }),
    placed({ id: 'ev-out', type: 'helper', z: 'tab' }),
    placed({ id: 'catch', type: 'catch', z: 'tab', scope: ['cmd'], wires: [['caught']] }),
    placed({ id: 'caught', type: 'helper', z: 'tab' }),
  ];
}

/**
 * TrueConf VideoSDK speaks the Room's API with no access levels. The three nodes work against it unchanged;
 * a configured role is reported as not applicable, never as an error, and admin-only methods are not refused.
 */
describe('the nodes against TrueConf VideoSDK (no access levels)', function () {
  this.timeout(30000);
  withNodeRed();

  for (const role of ['user', 'admin']) {
    it(`with role "${role}" configured: commands (admin-only ones too) and events work`, async () => {
      const room = await startRoom({ product: 'videosdk' });
      await load(flow(room, role));
      const out = new Inbox(node('out'));
      const events = new Inbox(node('ev-out'));
      const caught = new Inbox(node('caught'));
      await waitForStatus(node('cmd'), isReadyIdle, 'ready');
      inject(node('cmd'), { method: 'setMicMute', payload: { mute: true } });
      assert.equal((await out.next()).payload.result, true);
      assert.equal(room.mute.mic, true);
      assert.equal((await events.next((m: Msg) => m.topic === 'audioCapturerMute')).payload.mute, true);
      // getLogo is admin-only on a Room; VideoSDK has no such split, so it goes out whatever the role.
      inject(node('cmd'), { method: 'getLogo', payload: {} });
      const logo = await out.next();
      assert.equal(logo.payload.method, 'getLogo');
      assert.equal(logo.payload.result, true);
      assert.equal(caught.messages.length, 0, 'no error for the role');
      assert.equal(room.clients().length, 1, 'the three nodes share one connection');
    });
  }

  it('Test connection reports the configured role as not applicable, and succeeds', async () => {
    const room = await startRoom({ product: 'videosdk' });
    await load([configNode(room)]);
    // The editor's form: the config node's own properties.
    const { id: _id, type: _type, name: _name, ...form } = configNode(room, { role: 'user' });
    const res = await helper.request().post('/trueconf-room/test-connection').send(form).expect(200);
    assert.equal(res.body.ok, true, res.body.message);
    assert.equal(res.body.roleNotApplicable, true);
    assert.match(res.body.message, /role user: not applicable/);
    assert.equal(res.body.role, undefined);
  });
});
