import fs from 'node:fs';
import { RoomEmulator } from '../../src/emulator';
import { launchBrowser, type BrowserSession, type LaunchOptions } from '../support/browser';
import { node22Binary, startNodeRed, type NodeRedFlavour, type NodeRedProcess } from '../support/node-red-process';
import { packageVersion } from '../support/package-version';
import { EditorPage } from './editor-page';

/** The Room's PIN in the browser tests (both control modes). */
export const ROOM_PIN = '1234';

/** One Node-RED the browser tests run against. */
export interface BrowserFlavour {
  nodeRed: NodeRedFlavour;
  /** "Node-RED 4.1.15", for test titles. */
  label: string;
  /** Screenshot name prefix: '' for Node-RED 4 (the README pictures), 'nr5-' for Node-RED 5. */
  prefix: string;
  /** Why it cannot run here (Node 22 missing), or undefined. */
  unavailable?: string;
}

/**
 * The editors under test: Node-RED 4.1 (this Node 20) and Node-RED 5 (Node 22 from test/tooling/node22).
 * TRUECONF_TEST_BROWSER_NODE_RED=node-red or =node-red-5 narrows it to one while working on a test.
 */
export function browserFlavours(): BrowserFlavour[] {
  const only = process.env.TRUECONF_TEST_BROWSER_NODE_RED;
  const all: BrowserFlavour[] = [
    { nodeRed: 'node-red', label: `Node-RED ${installedVersion('node-red')}`, prefix: '' },
    {
      nodeRed: 'node-red-5',
      label: `Node-RED ${installedVersion('node-red-5')}`,
      prefix: 'nr5-',
      unavailable: fs.existsSync(node22Binary)
        ? undefined
        : `Node 22 is missing at ${node22Binary} (npm ci --prefix test/tooling/node22)`,
    },
  ];
  return only ? all.filter((f) => f.nodeRed === only) : all;
}

function installedVersion(name: string): string {
  try {
    return packageVersion(name);
  } catch {
    return '(not installed)';
  }
}

/**
 * What every browser test stands on: a Room emulator, a real Node-RED (this package installed in its user
 * directory) and a headless Chromium with the editor open. `stop()` closes all three, whatever started.
 */
export interface EditorFixture {
  emulator: RoomEmulator;
  nodeRed: NodeRedProcess;
  browser: BrowserSession;
  editor: EditorPage;
  stop(): Promise<void>;
}

export interface FixtureOptions {
  flavour: BrowserFlavour;
  /** Flows the Node-RED starts with; a function gets the emulator (for its ports). Default: none. */
  flows?: object[] | ((emulator: RoomEmulator) => object[]);
  browser?: LaunchOptions;
  /** Open the editor before returning. Default true. */
  open?: boolean;
}

export async function startEditorFixture(options: FixtureOptions): Promise<EditorFixture> {
  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    const errors: unknown[] = [];
    for (const close of stack.reverse()) {
      await close().catch((err: unknown) => errors.push(err));
    }
    stack.length = 0;
    if (errors.length) throw errors[0];
  };
  try {
    const emulator = new RoomEmulator({
      webPort: 0,
      wsPort: 0,
      auth: { admin: { type: 'pin', secret: ROOM_PIN }, user: { type: 'pin', secret: ROOM_PIN } },
    });
    await emulator.start();
    stack.push(() => emulator.stop());
    const flows = typeof options.flows === 'function' ? options.flows(emulator) : (options.flows ?? []);
    const nodeRed = await startNodeRed({ nodeRed: options.flavour.nodeRed, flows });
    stack.push(() => nodeRed.stop());
    const browser = await launchBrowser(options.browser);
    stack.push(() => browser.close());
    const editor = new EditorPage(browser, options.flavour.prefix);
    if (options.open !== false) await editor.open(nodeRed.url);
    return { emulator, nodeRed, browser, editor, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * The hooks every browser suite needs: start the fixture once (skipped when this Node-RED flavour is not
 * installed, a failure under CI=true), stop it afterwards, and after a failed test save a screenshot and close any dialog left
 * open so the next test starts clean. Returns the fixture's getter.
 */
export function useEditorFixture(
  flavour: BrowserFlavour,
  options: { flows?: FixtureOptions['flows']; screenshotPrefix: string },
): () => EditorFixture {
  let fx: EditorFixture | undefined;
  before(async function () {
    if (flavour.unavailable) {
      // Under CI a missing Node 22 is a broken set-up, not a reason to test less.
      if (process.env.CI === 'true') throw new Error(flavour.unavailable);
      this.skip();
    }
    this.timeout(180000);
    fx = await startEditorFixture({ flavour, flows: options.flows });
  });
  after(async function () {
    this.timeout(60000);
    if (fx) await fx.stop();
  });
  afterEach(async function () {
    if (fx && this.currentTest?.state === 'failed') {
      const title = this.currentTest.title.slice(0, 60).replace(/[^A-Za-z0-9]+/g, '-');
      await fx.editor.screenshot(`FAILED-${options.screenshotPrefix}${title}`).catch(() => undefined);
      await fx.editor.cancelOpenDialogs().catch(() => undefined);
    }
  });
  return () => {
    if (!fx) throw new Error('the editor fixture is not started');
    return fx;
  };
}
