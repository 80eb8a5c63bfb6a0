import assert from 'node:assert/strict';
import type { RoomEmulator } from '../../src/emulator';
import { browserFlavours, emulatorRoomConfig, savedRoomCommand, useEditorFixture } from './fixture';

/**
 * A Russian-speaking user switches the editor to Russian (Settings > View > Language, then reloads, as the
 * editor asks) and sees our nodes' palette labels, dialogs and help in Russian.
 */
const CYRILLIC = /[А-Яа-яЁё]/;

function russianFlow(emulator: RoomEmulator): object[] {
  return [
    { id: 'c0ffee0000000001', type: 'tab', label: 'Room', disabled: false, info: '' },
    emulatorRoomConfig(emulator, 'c0ffee0000000002', 'Hall'),
    savedRoomCommand({
      id: 'c0ffee0000000003',
      z: 'c0ffee0000000001',
      room: 'c0ffee0000000002',
      method: 'call',
      params: { peerId: 'echo@demo' },
    }),
    {
      id: 'c0ffee0000000004',
      type: 'room-event',
      z: 'c0ffee0000000001',
      name: '',
      room: 'c0ffee0000000002',
      events: ['inviteReceived'],
      topicPrefix: '',
      connectionEvents: false,
      x: 320,
      y: 220,
      wires: [[]],
    },
  ];
}

for (const flavour of browserFlavours())
  describe(`editor: switching the editor to Russian (${flavour.label})`, function () {
    this.timeout(90000);

    const fx = useEditorFixture(flavour, { screenshotPrefix: 'language-', flows: russianFlow });

    it('shows palette labels, the dialog and the help of our nodes in Russian', async function () {
      const { editor, browser } = fx();
      const page = browser.page;
      // English first: the labels the Russian ones must replace.
      assert.equal(await editor.paletteNode('room-command').getAttribute('data-palette-label'), 'room command');

      await editor.openMainMenu();
      await page.locator('#menu-item-user-settings').click();
      const language = page.locator('#user-settings-editor-language');
      await language.waitFor({ state: 'visible' });
      await language.selectOption({ label: 'Русский' });
      await editor.screenshot('06-settings-language');
      await page.locator('#node-dialog-ok').click();
      await language.waitFor({ state: 'detached' });
      // The editor applies a new language on the next load.
      page.on('dialog', (dialog) => void dialog.accept());
      await editor.reload();

      // Node-RED's own words are Russian now (the switch took effect) ...
      assert.match(await page.locator('#red-ui-header-button-deploy').innerText(), /Развернуть/);
      // ... and so are ours: palette labels,
      const commandLabel = await editor.paletteNode('room-command').getAttribute('data-palette-label');
      const eventLabel = await editor.paletteNode('room-event').getAttribute('data-palette-label');
      assert.match(commandLabel ?? '', CYRILLIC, `room-command palette label: ${commandLabel}`);
      assert.match(eventLabel ?? '', CYRILLIC, `room-event palette label: ${eventLabel}`);
      await editor.paletteCategory('TrueConf').scrollIntoViewIfNeeded();
      await editor.screenshot('06-palette-ru');

      // the room-command dialog,
      const command = editor.node('c0ffee0000000003');
      await editor.editNode(command);
      const methodLabel = (await page.locator('label[for="node-input-method"]').innerText()).trim();
      assert.equal(methodLabel, 'Метод');
      const placeholder = (await page.locator('#node-input-method').getAttribute('placeholder')) ?? '';
      assert.match(placeholder, CYRILLIC, `method placeholder: ${placeholder}`);
      await page.locator('#node-input-params-form [data-param="peerId"] .room-param-required').waitFor();

      // and its help (the book button of the dialog).
      await page.locator('.red-ui-tray-footer button:has(i.fa-book)').click();
      const commandHelp = await editor.helpShown(commandLabel ?? '');
      assert.deepEqual(commandHelp.headings, ['Входные данные', 'Выходные данные', 'Подробности', 'Ссылки']);
      assert.match(commandHelp.text, CYRILLIC);
      await editor.screenshot('06-command-help-ru');
      await editor.cancelEditor();

      // The room-event help, from the help sidebar of the selected node.
      const eventNode = editor.node('c0ffee0000000004');
      await editor.selectNode(eventNode);
      await editor.openSidebarTab('help');
      const eventHelp = await editor.helpShown(eventLabel ?? '');
      assert.match(eventHelp.text, CYRILLIC, 'the room-event help is in Russian');
      assert.ok(
        eventHelp.headings.length > 0 && eventHelp.headings.every((h) => CYRILLIC.test(h)),
        `headings: ${eventHelp.headings.join(', ')}`,
      );
      await editor.screenshot('06-event-help-ru');
      assert.deepEqual(browser.pageErrors.splice(0), [], 'the editor page threw');
    });
  });
