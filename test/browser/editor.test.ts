import assert from 'node:assert/strict';
import { waitUntil } from '../support/wait';
import { UI_TIMEOUT_MS } from './editor-page';
import { browserFlavours, useEditorFixture, ROOM_PIN } from './fixture';

// Functions handed to page.evaluate run in the browser; this project compiles without the DOM library.
declare const window: { RED: { nodes: { getType(type: string): { category?: string } | undefined } } };

/** A debug node as pasted into the canvas: msg.payload to the debug sidebar. */
function sidebarDebug(id: string, name: string, x: number): object {
  return {
    id,
    type: 'debug',
    name,
    active: true,
    tosidebar: true,
    console: false,
    tostatus: false,
    complete: 'payload',
    targetType: 'msg',
    x,
    y: 40,
    wires: [],
  };
}

/**
 * A user builds a flow in the Node-RED editor, in headless Chromium, against the Room emulator: finds the
 * TrueConf nodes, adds a Room configuration and tests it, picks a command and its parameters, reads the help,
 * deploys, presses Inject and watches the status and the debug sidebar; then listens for an incoming call.
 *
 * The tests run in order and build on each other, as a user's session does: the room-config added in the
 * second test is the one the later tests use. Once for each Node-RED (4.1 and 5).
 */
for (const flavour of browserFlavours())
  describe(`editor: a user builds a TrueConf flow in the browser (${flavour.label})`, function () {
    this.timeout(90000);

    let commandId: string | undefined;
    // Set by a test once its part of the session is in place; later tests fail at once without it.
    let configLabel: string | undefined;
    let commandDeployed = false;

    const fx = useEditorFixture(flavour, { screenshotPrefix: '' });

    /** An exception in the page means a dialog script broke, whatever the test saw. */
    function assertNoPageErrors(): void {
      const errors = fx().browser.pageErrors.splice(0);
      assert.deepEqual(errors, [], 'the editor page threw');
    }

    it('shows room-command and room-event in a TrueConf palette category, with our icons, and room-config as a config node', async function () {
      const { editor, page } = { editor: fx().editor, page: fx().browser.page };
      const category = editor.paletteCategory('TrueConf');
      await category.scrollIntoViewIfNeeded();
      assert.equal((await category.locator('.red-ui-palette-header').innerText()).trim(), 'TrueConf');
      const types = await category
        .locator('.red-ui-palette-node')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-palette-type')));
      assert.deepEqual(types.sort(), ['room-command', 'room-event']);
      assert.equal(await editor.paletteNode('room-command').getAttribute('data-palette-label'), 'room command');
      assert.equal(await editor.paletteNode('room-event').getAttribute('data-palette-label'), 'room event');
      // Config nodes never sit in the palette.
      assert.equal(await editor.paletteNode('room-config').count(), 0);

      for (const [type, icon] of [
        ['room-command', 'trueconf-command.svg'],
        ['room-event', 'trueconf-event.svg'],
      ]) {
        const style = await editor.paletteNode(type).locator('.red-ui-palette-icon').getAttribute('style');
        assert.match(
          style ?? '',
          new RegExp(`url\\("?icons/node-red-contrib-trueconf-room/${icon.replace('.', '\\.')}"?\\)`),
          `${type} uses ${icon}`,
        );
        // The icon is really served (a broken path would show Node-RED's default icon instead).
        const served = await page.evaluate(async (url) => {
          const res = await fetch(url);
          return { status: res.status, body: await res.text() };
        }, `icons/node-red-contrib-trueconf-room/${icon}`);
        assert.equal(served.status, 200, `${icon} is served`);
        assert.match(served.body, /<svg[\s>]/, `${icon} is an SVG`);
      }

      // The config node type is registered: its edit dialog opens from the "add" button of a node's Room field
      // (the next test does that), and the editor knows it as a config category type.
      const configCategory = await page.evaluate(() => window.RED.nodes.getType('room-config')?.category);
      assert.equal(configCategory, 'config');
      await editor.screenshot('01-palette');
      assertNoPageErrors();
    });

    it('adds a room-config from the room-command Room field, and "Test connection" reports success, then the reason for a wrong PIN', async function () {
      const { editor, page } = { editor: fx().editor, page: fx().browser.page };
      commandId = await editor.dragFromPalette('room-command', 'room', { x: 420, y: 160 });
      const command = editor.node(commandId);
      await editor.editNode(command);

      // No Room config exists yet: the picker offers to add one.
      const roomSelect = page.locator('#node-input-room');
      assert.equal(await roomSelect.inputValue(), '_ADD_');
      await page.locator('#node-input-btn-room-add').click();
      await page.locator('#node-config-input-host').waitFor({ state: 'visible' });
      const breadcrumb = (await page.locator('.red-ui-tray-breadcrumbs li').last().innerText()).trim();
      assert.match(breadcrumb, /Add new TrueConf Room config node/);
      const tabs = await page.locator('#node-config-room-tabs .red-ui-tab-label').allInnerTexts();
      assert.deepEqual(
        tabs.map((t) => t.trim()),
        ['Connection', 'Security', 'Advanced'],
      );

      await page.locator('#node-config-input-host').fill('127.0.0.1');
      await page.locator('#node-config-input-port').fill(String(fx().emulator.webPort));
      await page.locator('#red-ui-tab-node-config-room-tab-security .red-ui-tab-label').click();
      await page.locator('#node-config-input-authType').selectOption('secured');
      const secret = page.locator('#node-config-input-secret');
      await secret.waitFor({ state: 'visible' });
      await secret.fill(ROOM_PIN);

      const result = page.locator('#node-config-test-connection-result');
      const testButton = page.locator('#node-config-input-test-connection');
      await testButton.click();
      await page
        .locator(
          '#node-config-test-connection-result[data-result="ok"], #node-config-test-connection-result[data-result="failed"]',
        )
        .waitFor({ timeout: 30000 });
      const okText = (await result.innerText()).trim();
      assert.equal(await result.getAttribute('data-result'), 'ok', `test connection with the right PIN: ${okText}`);
      assert.match(okText, /connected/i);
      await editor.screenshot('02-config-test-ok');

      const wrongPin = '987654';
      await secret.fill(wrongPin);
      await testButton.click();
      // The running state shows first; the answer replaces it.
      await page.locator('#node-config-test-connection-result[data-result="failed"]').waitFor({ timeout: 30000 });
      const failText = (await result.innerText()).trim();
      assert.match(failText, /pin|password|credential|auth|reject/i, `a wrong PIN gives the reason: ${failText}`);
      assert.ok(!failText.includes(wrongPin), 'the PIN is never shown back');
      await editor.screenshot('02-config-test-wrong-pin');

      await secret.fill(ROOM_PIN);
      await page.locator('#node-config-dialog-ok').click();
      await page.locator('#node-config-input-host').waitFor({ state: 'detached' });
      // Back in the room-command dialog, the new config is chosen.
      const label = `127.0.0.1:${fx().emulator.webPort}`;
      assert.notEqual(await roomSelect.inputValue(), '_ADD_');
      assert.equal((await roomSelect.locator('option:checked').innerText()).trim(), label);
      await editor.closeEditor();
      // The new config shows in the Configuration nodes sidebar.
      const configSidebar = await editor.openSidebarTab('config');
      await configSidebar.locator('.red-ui-palette-node', { hasText: label }).first().waitFor();
      configLabel = label;
      assertNoPageErrors();
    });

    it('picks "call" by typing "cal", fills the required peerId, shows the help, deploys and injects: green status and the response in Debug', async function () {
      assert.ok(commandId && configLabel, 'needs the room-command and room-config from the previous test');
      const { editor, page } = { editor: fx().editor, page: fx().browser.page };
      const command = editor.node(commandId);
      await editor.editNode(command);

      const methodInput = page.locator('#node-input-method');
      await methodInput.click();
      await methodInput.pressSequentially('cal');
      const list = page.locator('#node-input-method-list');
      const callItem = list.locator('[data-method="call"]');
      await callItem.waitFor({ state: 'visible' });
      // The exact-prefix match comes first.
      assert.equal(await list.locator('[data-method]').first().getAttribute('data-method'), 'call');
      const suggestions = await list
        .locator('[data-method]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-method') ?? ''));
      assert.ok(
        suggestions.every((m) => m.toLowerCase().includes('cal')),
        `every suggestion contains "cal": ${suggestions.join(', ')}`,
      );
      await editor.screenshot('03-method-picker');
      await callItem.click();
      await list.waitFor({ state: 'hidden' });
      assert.equal(await methodInput.inputValue(), 'call');

      // The parameter form for call: peerId, marked required.
      const form = page.locator('#node-input-params-form');
      const peerRow = form.locator('[data-param="peerId"]');
      await peerRow.waitFor({ state: 'visible' });
      await peerRow.locator('.room-param-required').waitFor({ state: 'visible' });
      // Only the required parameters are marked: call's pin is optional.
      const pinRow = form.locator('[data-param="pin"]');
      if (await pinRow.count())
        assert.equal(await pinRow.locator('.room-param-required').count(), 0, 'pin is not marked required');
      // The Room's contacts are offered for peerId once its config is deployed (a later test); the config is
      // not deployed yet, so peerId is plain free text.
      assert.equal(await peerRow.locator('.room-param-live').count(), 0);
      assert.equal(await peerRow.locator('datalist option').count(), 0);
      const doc = page.locator('#node-input-method-doc');
      await doc.waitFor({ state: 'visible' });
      assert.match((await doc.getAttribute('href')) ?? '', /^https?:\/\/\S+/, 'the method links to its documentation');
      await peerRow.locator('input').fill('echo@demo');
      await editor.screenshot('03-params-form');

      // The node's help, from the book button of the edit dialog.
      await page.locator('.red-ui-tray-footer button:has(i.fa-book)').click();
      const help = await editor.helpShown('room command');
      assert.deepEqual(
        help.headings,
        ['Inputs', 'Outputs', 'Details', 'References'],
        'the help has the usual sections',
      );
      assert.match(help.text, /peerId/, 'the help explains the parameters');
      await editor.screenshot('03-help');
      await editor.closeEditor();
      await command.locator('.red-ui-flow-node-label', { hasText: /^\s*call\s*$/ }).waitFor();

      // An Inject (payload {}) and a Debug, pasted through Import > Clipboard, then wired by dragging ports.
      await editor.importClipboard(
        [
          {
            id: 'b7e1a0c0d0e0f001',
            type: 'inject',
            name: 'press to call',
            props: [{ p: 'payload' }],
            payload: '{}',
            payloadType: 'json',
            repeat: '',
            crontab: '',
            once: false,
            topic: '',
            x: 120,
            y: 40,
            wires: [],
          },
          sidebarDebug('b7e1a0c0d0e0f002', 'room answer', 600),
        ],
        { x: 160, y: 160 },
      );
      const inject = editor.nodeLabelled('press to call');
      const debug = editor.nodeLabelled('room answer');
      await editor.clickCanvas({ x: 40, y: 600 });
      await editor.wire(inject, command);
      await editor.wire(command, debug);
      await editor.screenshot('03-flow-wired');

      await editor.openSidebarTab('debug');
      await editor.deploy();
      // Connected to the Room: green, and idle.
      await editor.waitForStatus(command, 'green', 30000);
      await command.locator('.red-ui-flow-node-status-label', { hasText: 'idle' }).waitFor({ timeout: 30000 });

      await editor.pressInject(inject);
      const message = editor.debugMessages().filter({ hasText: 'room answer' }).first();
      await message.waitFor({ state: 'visible', timeout: 30000 });
      const shown = await message.innerText();
      assert.match(shown, /call/, `the response names the method: ${shown}`);
      assert.match(shown, /result/, `the response carries the result: ${shown}`);
      // The far end answers: the Room is in a conference, and the status says so.
      await command.locator('.red-ui-flow-node-status-label', { hasText: 'in conference' }).waitFor({ timeout: 30000 });
      assert.equal(await command.locator('.red-ui-flow-node-status-dot-green').count(), 1);
      await editor.dismissNotifications();
      await editor.screenshot('03-deployed-status-debug');
      const call = fx().emulator.requests.find((r) => r.frame.method === 'call');
      assert.ok(call, 'the Room received the call');
      commandDeployed = true;
      assertNoPageErrors();
    });

    it('picks inviteReceived for a room-event, deploys, and an incoming call shows in the debug sidebar', async function () {
      assert.ok(configLabel, 'needs the room-config from the earlier tests');
      const { editor, page, emulator } = { editor: fx().editor, page: fx().browser.page, emulator: fx().emulator };
      // The previous call ends at the far end: the Room is idle again (an incoming call needs an idle Room).
      if (emulator.appState !== 3) {
        const idle = waitUntil(
          emulator,
          ['appState'],
          () => emulator.appState === 3,
          15000,
          'the Room to be idle after the far end left',
        );
        emulator.participantLeaves('echo@demo');
        await idle;
      }
      if (commandId && commandDeployed) {
        await editor
          .node(commandId)
          .locator('.red-ui-flow-node-status-label', { hasText: 'idle' })
          .waitFor({ timeout: 30000 });
      }

      const eventId = await editor.dragFromPalette('room-event', 'room', { x: 420, y: 330 });
      const eventNode = editor.node(eventId);
      await editor.editNode(eventNode);
      // Choose the Room config added earlier.
      await page.locator('#node-input-room').selectOption({ label: configLabel });
      const list = page.locator('#node-input-events-list');
      await list.locator('[data-event="inviteReceived"]').waitFor({ state: 'attached' });
      // fill() sets the value and fires 'input' in one step: typed keys can be lost while the tray is still settling.
      await page.locator('#node-input-events-filter').fill('invite');
      const item = list.locator('[data-event="inviteReceived"]');
      await item.waitFor({ state: 'visible' });
      // The filter narrows the list to names containing the text (waited for: the list may re-render once more
      // when the catalogue arrives).
      const visibleNames = () =>
        list
          .locator('.room-event-item:visible')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-event') ?? ''));
      await page
        .waitForFunction(
          `(() => {
          const shown = Array.from(document.querySelectorAll('#node-input-events-list .room-event-item')).filter((r) => r.offsetParent !== null);
          return shown.length > 0 && shown.every((r) => (r.getAttribute('data-event') || '').toLowerCase().includes('invite'));
        })()`,
          undefined,
          { timeout: 10000 },
        )
        .catch(() => undefined);
      const visible = await visibleNames();
      assert.ok(
        visible.length > 0 && visible.every((n) => n.toLowerCase().includes('invite')),
        `filtered: ${visible.join(', ')}`,
      );
      await item.click();
      await page.locator('#node-input-events-selected [data-selected-event="inviteReceived"]').waitFor();
      assert.equal(await item.locator('input[type="checkbox"]').isChecked(), true);
      await editor.screenshot('04-event-picker');
      await editor.closeEditor();
      await eventNode.locator('.red-ui-flow-node-label', { hasText: /^\s*inviteReceived\s*$/ }).waitFor();

      await editor.importClipboard([sidebarDebug('b7e1a0c0d0e0f003', 'room events', 100)], { x: 640, y: 400 });
      const debug = editor.nodeLabelled('room events');
      await editor.clickCanvas({ x: 40, y: 600 });
      await editor.wire(eventNode, debug);
      await editor.clearDebug();
      await editor.deploy();
      await editor.waitForStatus(eventNode, 'green', 30000);

      emulator.incomingCall({ peerId: 'guest@demo', peerDn: 'Guest' });
      const message = editor.debugMessages().filter({ hasText: 'room events' }).first();
      await message.waitFor({ state: 'visible', timeout: 30000 });
      const shown = await message.innerText();
      assert.match(shown, /inviteReceived/, `the debug message is the invitation: ${shown}`);
      assert.match(shown, /guest@demo/, `the debug message names the caller: ${shown}`);
      await editor.dismissNotifications();
      await editor.screenshot('04-incoming-call-debug');
      assertNoPageErrors();
    });

    it("offers the deployed Room's contacts as peerId suggestions for call", async function () {
      assert.ok(commandId && commandDeployed, 'needs the deployed room-command from the earlier tests');
      const { editor, page } = { editor: fx().editor, page: fx().browser.page };
      const liveAnswer = page.waitForResponse((r) => r.url().includes('/trueconf-room/live/'), {
        timeout: UI_TIMEOUT_MS,
      });
      await editor.editNode(editor.node(commandId));
      assert.equal((await liveAnswer).status(), 200);
      const peerRow = page.locator('#node-input-params-form [data-param="peerId"][data-live="contacts"]');
      await peerRow.locator('.room-param-live').waitFor({ state: 'visible' });
      const offered = await peerRow
        .locator('datalist option')
        .evaluateAll((els) => els.map((e) => e.getAttribute('value') ?? ''));
      // The emulator's address book (sample-fields.ts): alice answers, bob is busy, ...
      assert.ok(
        offered.some((id) => id.startsWith('alice@')),
        `contacts offered: ${offered.join(', ')}`,
      );
      assert.equal(Number(await peerRow.getAttribute('data-live-count')), offered.length);
      // The value typed earlier is kept: a suggestion list never replaces free text.
      assert.equal(await peerRow.locator('input').inputValue(), 'echo@demo');
      await editor.screenshot('05-live-contacts');
      await editor.cancelEditor();
      assertNoPageErrors();
    });
  });
