import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { UI_TIMEOUT_MS } from './editor-page';
import { browserFlavours, ROOM_PIN, useEditorFixture } from './fixture';

const TAB = 'f1ee7000000000a1';
const COMMAND = 'f1ee7000000000a2';
const EVENTS = 'f1ee7000000000a3';

/** Two named rooms (both the emulator), and the two fleet nodes with no Room of their own. */
function flow(emulator: RoomEmulator): object[] {
  const room = (id: string, name: string) => ({
    id,
    type: 'room-config',
    name,
    host: '127.0.0.1',
    port: emulator.webPort,
    wsPort: '',
    instance: 'default',
    apiVersion: '2',
    authType: 'secured',
    role: id.endsWith('1') ? 'user' : 'admin', // one control mode each, so the two do not displace each other
    tls: false,
    tlsInsecure: false,
    credentials: { secret: ROOM_PIN },
  });
  return [
    { id: TAB, type: 'tab', label: 'Building', disabled: false, info: '' },
    room('f1ee70000000c0f1', 'lab'),
    room('f1ee70000000c0f2', 'hall'),
    {
      id: COMMAND,
      type: 'room-command',
      z: TAB,
      name: 'any room',
      room: '',
      roomFromMsg: true,
      method: '',
      params: {},
      timeout: '',
      waitForOutcome: false,
      strict: true,
      x: 320,
      y: 120,
      wires: [[]],
    },
    {
      id: EVENTS,
      type: 'room-event',
      z: TAB,
      name: 'every room',
      room: '',
      allRooms: true,
      events: [],
      topicPrefix: 'trueconf/{room}/event/',
      connectionEvents: false,
      x: 320,
      y: 220,
      wires: [[]],
    },
  ];
}

/**
 * The fleet options in the editor: nodes without a Room of their own are valid when they take the room from
 * msg.room or listen to all rooms, their status counts the rooms, and the dialogs list the room names.
 */
for (const flavour of browserFlavours())
  describe(`editor: one node for a building of rooms (${flavour.label})`, function () {
    this.timeout(90000);

    const fx = useEditorFixture(flavour, { screenshotPrefix: 'fleet-', flows: flow });

    it('fleet nodes need no Room of their own, and their status counts the rooms', async () => {
      const { editor } = fx();
      assert.equal(await editor.invalidNodes().count(), 0, 'no red triangle on the fleet nodes');
      assert.equal(await editor.waitForStatus(editor.node(COMMAND), 'green'), '2 rooms: 2 ready');
      assert.equal(await editor.waitForStatus(editor.node(EVENTS), 'green'), '2 rooms: 2 ready');
    });

    it('the dialogs show the option ticked and the room names a message can pick', async () => {
      const { editor, browser } = fx();
      const page = browser.page;
      await editor.editNode(editor.node(COMMAND));
      assert.equal(await page.locator('#node-input-roomFromMsg').isChecked(), true);
      await page.locator('#node-input-roomFromMsg-names').filter({ hasText: 'Rooms: hall, lab' }).waitFor({
        timeout: UI_TIMEOUT_MS,
      });
      await editor.screenshot('room-from-msg');
      await editor.cancelEditor();
      await editor.editNode(editor.node(EVENTS));
      assert.equal(await page.locator('#node-input-allRooms').isChecked(), true);
      await page.locator('#node-input-allRooms-names').filter({ hasText: 'Rooms: hall, lab' }).waitFor({
        timeout: UI_TIMEOUT_MS,
      });
      await editor.cancelEditor();
    });
  });
