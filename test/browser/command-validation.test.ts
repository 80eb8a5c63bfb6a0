import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { UI_TIMEOUT_MS } from './editor-page';
import { browserFlavours, emulatorRoomConfig, savedRoomCommand, useEditorFixture } from './fixture';

// Functions handed to page.evaluate run in the browser; this project compiles without the DOM library.
declare const window: { RED: { nodes: { node(id: string): { params?: unknown } | null } } };

const TAB = 'c0ffee00000000a1';
const CONFIG = 'c0ffee00000000a2';
const HANG_UP = 'c0ffee00000000a3';
const CALLER = 'c0ffee00000000a4';

function flow(emulator: RoomEmulator): object[] {
  const command = (id: string, name: string, method: string, params: object, y: number) =>
    savedRoomCommand({ id, z: TAB, name, room: CONFIG, method, params, y });
  return [
    { id: TAB, type: 'tab', label: 'Room', disabled: false, info: '' },
    emulatorRoomConfig(emulator, CONFIG, 'Hall'),
    command(HANG_UP, 'hang up', 'hangUp', {}, 120),
    command(CALLER, 'caller', 'call', { peerId: 'echo@demo' }, 220),
  ];
}

/**
 * Invalid input in the room-command dialog is flagged the Node-RED way: the field gets a red frame while it
 * is wrong, and after Done the node shows the red triangle and Deploy warns about invalid nodes. What the
 * user typed is never thrown away silently.
 */
for (const flavour of browserFlavours())
  describe(`editor: invalid room-command settings are flagged (${flavour.label})`, function () {
    this.timeout(90000);

    const fx = useEditorFixture(flavour, { screenshotPrefix: 'validation-', flows: flow });

    function triangle(id: string) {
      return fx().editor.node(id).locator('g.red-ui-flow-node-error:not(.hide)');
    }

    it('an unknown method with "Only catalogue methods" marks the field and the node invalid, and Deploy warns', async function () {
      const { editor, page } = { editor: fx().editor, page: fx().browser.page };
      assert.equal(await editor.invalidNodes().count(), 0, 'the flow starts valid');
      await editor.editNode(editor.node(HANG_UP));
      const methodInput = page.locator('#node-input-method');
      await page
        .locator('#node-input-catalogue-status[data-state="loaded"]')
        .waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
      await methodInput.fill('frobnicate');
      await methodInput.press('Tab');
      await page.locator('#node-input-method.input-error').waitFor({ state: 'attached' });
      await page.locator('#node-input-method-hint[data-hint="unknown-strict"]').waitFor({ state: 'visible' });
      await editor.screenshot('validation-unknown-method');
      await editor.closeEditor();
      await triangle(HANG_UP).waitFor({ state: 'visible' });

      await page.locator('#red-ui-header-button-deploy').click();
      const confirm = page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
      await confirm.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      const dialog = page.locator('.red-ui-notification').filter({ has: confirm });
      assert.match(await dialog.innerText(), /invalid/i, 'Deploy names the invalid node');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await confirm.waitFor({ state: 'detached' });
      await editor.waitForWorkspace();
      assert.equal(fx().emulator.requests.filter((r) => r.frame.method === 'frobnicate').length, 0, 'nothing was sent');

      // Unticking "Only catalogue methods" makes the same name acceptable (it is then sent as typed).
      await editor.editNode(editor.node(HANG_UP));
      await page.locator('#node-input-method.input-error').waitFor({ state: 'attached' });
      await page.locator('#node-input-strict').uncheck();
      await page.locator('#node-input-method:not(.input-error)').waitFor({ state: 'attached' });
      await editor.closeEditor();
      await triangle(HANG_UP).waitFor({ state: 'hidden' });
      assert.deepEqual(fx().browser.pageErrors.splice(0), [], 'the editor page threw');
    });

    it('invalid JSON in "Edit as JSON" is framed red, kept as typed, reported on Done and marks the node invalid until fixed', async function () {
      const { editor, page } = { editor: fx().editor, page: fx().browser.page };
      await editor.dismissNotifications();
      await editor.editNode(editor.node(CALLER));
      await page
        .locator('#node-input-params-form [data-param="peerId"]')
        .waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      await page.locator('#node-input-params-mode').click();
      const json = page.locator('#node-input-params-json');
      await json.waitFor({ state: 'visible' });
      assert.deepEqual(JSON.parse(await json.inputValue()), { peerId: 'echo@demo' });
      const typed = '{ "peerId": "bob@demo", ';
      await json.fill(typed);
      await page.locator('#node-input-params-json.input-error').waitFor({ state: 'attached' });
      await page.locator('#node-input-params-json-error').waitFor({ state: 'visible' });
      await editor.screenshot('validation-invalid-json');
      await editor.closeEditor();

      // Not silent: an error notification says what is wrong, and the node is marked invalid.
      await editor
        .errorNotifications()
        .filter({ hasText: /not valid JSON/ })
        .first()
        .waitFor({ state: 'visible' });
      await triangle(CALLER).waitFor({ state: 'visible' });

      // The typed text is still there when the dialog opens again, still framed red.
      await editor.editNode(editor.node(CALLER));
      await page.locator('#node-input-params-json.input-error').waitFor({ state: 'attached', timeout: UI_TIMEOUT_MS });
      assert.equal(await json.inputValue(), typed);
      await json.fill('{ "peerId": "bob@demo" }');
      await page.locator('#node-input-params-json:not(.input-error)').waitFor({ state: 'attached' });
      await editor.closeEditor();
      await triangle(CALLER).waitFor({ state: 'hidden' });
      const saved = await page.evaluate((id) => window.RED.nodes.node(id)?.params, CALLER);
      assert.deepEqual(saved, { peerId: 'bob@demo' });
      await editor.dismissNotifications();
      assert.deepEqual(fx().browser.pageErrors.splice(0), [], 'the editor page threw');
    });
  });
