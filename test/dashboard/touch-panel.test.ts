import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { RoomEmulator } from '../../src/emulator';
import { EditorPage } from '../browser/editor-page';
import { browserFlavours } from '../browser/fixture';
import { RawClient } from '../emulator/raw-client';
import { launchBrowser, type BrowserSession } from '../support/browser';
import { startNodeRed, type NodeRedProcess } from '../support/node-red-process';
import { packageName } from '../support/repo';
import { PANEL_EXAMPLE, PanelPage } from './panel-page';

/**
 * The touch panel example (FlowFuse Dashboard 2.0) in headless Chromium, as a user meets it: imported from
 * Import > Examples into a fresh Node-RED that has the dashboard installed, pointed at the Room, deployed,
 * and then used on a 10-inch tablet (1280x800): calls, incoming calls, mute switches, volume, and the Room
 * going away. The tests share one Node-RED per flavour and run in order; each leaves the Room idle.
 *
 * The heartbeat is short (500 + 500 ms) so that "the Room is gone" shows within about a second.
 */
const HEARTBEAT_MS = { interval: 500, timeout: 500 };
/** A change made elsewhere must show on the panel within this (the "within a second"). */
const FOLLOW_MS = 1000;
/** Slack for a loaded 2-core machine on top of the heartbeat deadline. */
const SLACK_MS = 3000;

// Functions handed to page.evaluate run in the browser; this project compiles without the DOM library.
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

for (const flavour of browserFlavours())
  describe(`touch panel example in Dashboard 2.0 (${flavour.label})`, function () {
    this.timeout(60000);

    let emulator: RoomEmulator;
    let nodeRed: NodeRedProcess | undefined;
    let browser: BrowserSession | undefined;
    let editor: EditorPage;
    let panel: PanelPage;
    let page: Page;
    let other: RawClient | undefined;
    const shot = (name: string) => browser!.screenshot(`${flavour.prefix}panel-${name}`, page);

    before(async function () {
      if (flavour.unavailable) this.skip();
      this.timeout(180000);
      emulator = new RoomEmulator({ webPort: 0, wsPort: 0 });
      await emulator.start();
      nodeRed = await startNodeRed({
        nodeRed: flavour.nodeRed,
        flows: [],
        settings: {
          roomConfigHeartbeatIntervalMs: HEARTBEAT_MS.interval,
          roomConfigHeartbeatTimeoutMs: HEARTBEAT_MS.timeout,
          roomConfigReconnectMaxMs: 1000,
        },
      });
      browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
      editor = new EditorPage(browser, flavour.prefix);
      await editor.open(nodeRed.url);
      page = await browser.context.newPage();
      panel = new PanelPage(page);
      // A second controller of the same Room (user mode, beside Node-RED's admin connection): "elsewhere".
      other = await RawClient.authorized(emulator.url, { type: 'unsecured', role: 'user' });
    });

    after(async function () {
      this.timeout(60000);
      other?.close();
      await browser?.close().catch(() => undefined);
      await nodeRed?.stop();
      await emulator?.stop();
    });

    afterEach(async function () {
      if (browser && this.currentTest?.state === 'failed') {
        await shot(`FAILED-${this.currentTest.title.slice(0, 40).replace(/[^A-Za-z0-9]+/g, '-')}`).catch(
          () => undefined,
        );
      }
    });

    /** Leaves the Room idle for the next test, whatever this one left behind. */
    async function backToIdle(): Promise<void> {
      if (emulator.appState === 3) return;
      await other!.request('hangUp');
      await panel.waitForText('Room', /^Idle$/);
    }

    it('imports from Import > Examples, is pointed at the Room and deploys: the dashboard page shows the Room ready', async function () {
      this.timeout(120000);
      const notes = await editor.importExample(packageName, PANEL_EXAMPLE, { x: 100, y: 60 });
      assert.doesNotMatch(notes, /unrecogni[sz]ed|unknown|error|fail/i, `import notifications: ${notes}`);
      assert.equal(await editor.unknownNodes().count(), 0, 'the dashboard nodes are known to this Node-RED');
      assert.equal(await editor.invalidNodes().count(), 0, 'no imported node is flagged invalid');

      // What a user does next: open a room node, edit its Room config (pencil), enter the Room's address.
      await editor.dismissNotifications();
      await editor.editNode(editor.nodeLabelled('Room notifications + connection'));
      await editor.page.locator('#node-input-btn-room-edit').click();
      await editor.page.locator('#node-config-input-port').fill(String(emulator.webPort));
      await editor.page.locator('#node-config-dialog-ok').click();
      await editor.page.locator('#node-config-input-port').waitFor({ state: 'detached' });
      await editor.closeEditor();
      await editor.deploy();
      await editor.screenshot('panel-editor');

      await panel.open(nodeRed!.url);
      await panel.waitForText('Connection', /^Ready$/, 30000);
      await panel.waitForText('Room', /^Idle$/);
      assert.equal(await panel.textValue('Conference').innerText(), 'None');
      assert.deepEqual(await panel.participants(), []);
      await assert.rejects(
        panel.widget('incoming call banner').waitFor({ state: 'visible', timeout: 1 }),
        'no incoming-call banner while nothing rings',
      );
      assert.deepEqual(browser!.pageErrors.splice(0), [], 'no script error in the dashboard or the editor');
    });

    it('lists the address book in the contact picker, calls the picked contact: conference and participants; Hang up: idle', async () => {
      const contacts = await panel.contacts();
      assert.ok(
        contacts.some((c) => /Alice/.test(c)),
        `the Room's address book is offered: ${contacts.join(' | ')}`,
      );
      await panel.pickContact(/Alice/);
      // The pick fills the id box, where it can still be edited.
      await panel.waitForInput('Peer id', /^alice@/);
      await panel.press('Call');

      await panel.waitForText('Room', /^In a conference$/);
      await panel.waitForText('Conference', /Alice/);
      await panel.waitForText('last call or command', /Connected to alice@/);
      emulator.participantJoins({ peerId: 'bob', peerDn: 'Bob Builder' });
      await page.locator('tbody tr', { hasText: 'Bob Builder' }).waitFor({ state: 'visible' });
      const rows = await panel.participants();
      assert.ok(
        rows.some((r) => /Alice/.test(r)) && rows.some((r) => /Bob Builder/.test(r)),
        `participants: ${rows.join(' | ')}`,
      );
      // The duration runs (the README's picture is this moment).
      await panel.waitForText('Duration', /^00:(0[1-9]|[1-5]\d)$/);
      await page.mouse.wheel(0, -2000);
      await panel.widget('Connection').waitFor({ state: 'visible' });
      await shot('conference');

      await panel.press('Hang up');
      await panel.waitForText('Room', /^Idle$/);
      await panel.waitForText('Conference', /^None$/);
      assert.deepEqual(await panel.participants(), [], 'no participants after the hang-up');
      assert.equal(emulator.appState, 3, 'the Room is idle');
    });

    it('the contact picker follows the address book: a contact added and removed elsewhere comes and goes', async () => {
      assert.equal((await other!.request('addToAbook', { peerId: 'zoe', peerDn: 'Zoe Quinn' })).result, true);
      await panel.waitForContact(/Zoe Quinn/, true);
      assert.equal((await other!.request('removeFromAbook', { peerId: 'zoe' })).result, true);
      await panel.waitForContact(/Zoe Quinn/, false);
    });

    it("a busy contact: the call fails with the Room's reason under the buttons", async () => {
      await panel.pickContact(/Bob \(busy\)/);
      await panel.waitForInput('Peer id', /^busy-bob@/);
      await panel.press('Call');
      const text = await panel.waitForText('last call or command', /busy-bob@.*: user is busy/);
      assert.match(text, /^Call to busy-bob@/);
      await panel.waitForText('Room', /^Idle$/);
    });

    it('incoming call: the banner names the caller; Accept joins the call', async () => {
      emulator.incomingCall({ peerId: 'carol', peerDn: 'Carol Smith' });
      await panel.waitForText('incoming call banner', /^Incoming call from Carol Smith$/);
      await panel.waitForText('Room', /^Incoming call$/);
      await shot('incoming');
      await panel.press('Accept');
      await panel.waitForText('Room', /^In a conference$/);
      await panel.widget('incoming call banner').waitFor({ state: 'hidden' });
      await panel.button('Accept').waitFor({ state: 'hidden' });
      await panel.waitForText('Conference', /Carol/);
      assert.equal(emulator.appState, 5);
      await backToIdle();
    });

    it('incoming call: Reject ends it, and the banner goes', async () => {
      emulator.incomingCall({ peerId: 'dan', peerDn: 'Dan' });
      await panel.waitForText('incoming call banner', /from Dan$/);
      await panel.press('Reject');
      await panel.widget('incoming call banner').waitFor({ state: 'hidden' });
      await panel.waitForText('Room', /^Idle$/);
      await other!.event('rejectSent', (f) => String(f.peerId).startsWith('dan@'));
    });

    it('incoming call answered by another controller: the banner goes within a second', async () => {
      emulator.incomingCall({ peerId: 'erin' });
      await panel.waitForText('incoming call banner', /from Erin/);
      const res = await other!.request('accept');
      assert.equal(res.result, true);
      const started = Date.now();
      await panel.widget('incoming call banner').waitFor({ state: 'hidden', timeout: FOLLOW_MS + SLACK_MS });
      const tookMs = Date.now() - started;
      await panel.waitForText('Room', /^In a conference$/);
      console.log(`      banner gone ${tookMs} ms after another controller accepted`);
      await backToIdle();
    });

    it('microphone switch: a tap changes the Room (read back with getMicMute); a change elsewhere shows within a second', async () => {
      await panel.waitForSwitch('Microphone', true);
      await panel.tapSwitch('Microphone');
      await panel.waitForSwitch('Microphone', false);
      assert.equal((await other!.request('getMicMute')).mute, true, 'the Room reports its microphone muted');

      const started = Date.now();
      assert.equal((await other!.request('setMicMute', { mute: false })).result, true);
      await panel.waitForSwitch('Microphone', true, FOLLOW_MS + SLACK_MS);
      const tookMs = Date.now() - started;
      assert.equal(emulator.mute.mic, false);
      console.log(`      microphone unmuted elsewhere: the panel followed in ${tookMs} ms`);
      assert.ok(tookMs <= FOLLOW_MS + SLACK_MS);
    });

    it('camera and speaker switches and the volume slider follow the Room', async () => {
      await other!.request('setVideoMute', { mute: true });
      await panel.waitForSwitch('Camera', false, FOLLOW_MS + SLACK_MS);
      await other!.request('setAudioMute', { mute: true });
      await panel.waitForSwitch('Speaker', false, FOLLOW_MS + SLACK_MS);
      await other!.request('setSettings', { settings: { audioPlayLevel: 35 } });
      await panel.waitForSlider('Volume', 35, FOLLOW_MS + SLACK_MS);

      await panel.tapSwitch('Speaker');
      await panel.waitForSwitch('Speaker', true);
      assert.equal((await other!.request('getAudioMute')).mute, false, 'the speaker is live again on the Room');
      await panel.tapSwitch('Camera');
      await panel.waitForSwitch('Camera', true);
      assert.equal((await other!.request('getVideoMute')).mute, false);
    });

    it('another controller takes the same control mode: "Displaced" with the reason, then ready again', async function () {
      this.timeout(60000);
      // Node-RED holds the admin mode (unsecured, no role); a second admin client takes it over.
      const intruder = await RawClient.authorized(emulator.url, { type: 'unsecured' });
      try {
        const text = await panel.waitForText('Connection', /^Displaced by another controller/);
        assert.match(text, /another client took the .* control mode/);
        // The panel's connection re-authenticates (after at least a second) and takes the mode back.
        await panel.waitForText('Connection', /^Ready$/, 30000);
        await panel.waitForText('Room', /^Idle$/);
      } finally {
        intruder.close();
      }
    });

    it('the Room goes away: "Unreachable" within the heartbeat deadline, controls disabled; it recovers by itself', async function () {
      this.timeout(90000);
      // A half-open link (no pongs) and no way back in: the Room is gone as far as the panel can tell.
      emulator.faults.refuseConnections(true);
      emulator.faults.stopPongs(true);
      const started = Date.now();
      await panel.waitForText('Connection', /^Unreachable/, HEARTBEAT_MS.interval + HEARTBEAT_MS.timeout + SLACK_MS);
      const detectedMs = Date.now() - started;
      await panel.waitForText('Room', /no connection/);
      await panel.widget('Microphone').locator('.v-input--disabled').waitFor({ state: 'attached', timeout: 5000 });
      await shot('unreachable');

      emulator.faults.stopPongs(false);
      emulator.faults.refuseConnections(false);
      const back = Date.now();
      await panel.waitForText('Connection', /^Ready$/, 30000);
      const recoveredMs = Date.now() - back;
      await panel.waitForText('Room', /^Idle$/);
      assert.equal(await panel.isDisabled('Microphone'), false, 'the controls work again');
      console.log(
        `      unreachable shown ${detectedMs} ms after the Room went silent; ready again ${recoveredMs} ms after it came back`,
      );
    });

    it('fits a phone (390x844) without sideways scrolling', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await panel.widget('Call').waitFor({ state: 'visible' });
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
        const box = await panel.button('Call').boundingBox();
        assert.ok(box && box.height >= 48, `the Call button is a finger-sized target (${box?.height} px high)`);
        await shot('phone');
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    });
  });
