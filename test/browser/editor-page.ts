import type { Locator, Page } from 'playwright-core';
import type { BrowserSession } from '../support/browser';

/**
 * What a user does in the Node-RED editor, as Playwright steps: filter the palette, drag a node onto the
 * workspace, open and close edit dialogs, wire ports, deploy, import, read the sidebars. Every wait is on an
 * element or a notification with a deadline; nothing sleeps.
 *
 * Selectors are those of @node-red/editor-client 4.1 and 5.x (where 5.x differs, as for the sidebar buttons,
 * both are handled). Nothing here calls the page's RED object to do what a test claims the UI does.
 */

/** A point on the workspace, in pixels from the top-left corner of the visible canvas. */
export interface CanvasPoint {
  x: number;
  y: number;
}

export const UI_TIMEOUT_MS = 20000;

export type SidebarPanel = 'help' | 'debug' | 'config';

// Functions handed to page.evaluate run in the browser; this project compiles without the DOM library.
declare const document: { querySelectorAll(selector: string): ArrayLike<{ id: string }> };

export class EditorPage {
  constructor(
    readonly session: BrowserSession,
    /** Put in front of every screenshot name (tells apart runs against different Node-REDs). */
    readonly screenshotPrefix = '',
    readonly page: Page = session.page,
  ) {}

  // ---- loading ------------------------------------------------------------------------------------------

  /** Loads the editor and waits until its loading bar has gone and the header toolbar shows. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.waitLoaded();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitLoaded();
  }

  private async waitLoaded(): Promise<void> {
    await this.page.locator('.red-ui-header-toolbar').waitFor({ state: 'visible', timeout: 60000 });
    await this.page.locator('#red-ui-loading-progress').waitFor({ state: 'hidden', timeout: 60000 });
    await this.page.locator('#red-ui-workspace-chart').waitFor({ state: 'visible' });
  }

  async screenshot(name: string): Promise<string> {
    return this.session.screenshot(this.screenshotPrefix + name, this.page);
  }

  // ---- palette ------------------------------------------------------------------------------------------

  paletteCategory(name: string): Locator {
    return this.page.locator(`#red-ui-palette-container-${name}`);
  }

  paletteNode(type: string): Locator {
    return this.page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
  }

  /** Types into the palette's filter box (it reacts on key-up, so the text is typed, not pasted). */
  async filterPalette(text: string): Promise<void> {
    const input = this.page.locator('#red-ui-palette-search input');
    await input.click();
    await input.press('Escape'); // the search box clears itself on Escape
    await input.pressSequentially(text);
  }

  /**
   * Drags a node from the palette onto the workspace (the palette is filtered first so the node is on
   * screen) and returns the id of the node that appeared.
   */
  async dragFromPalette(type: string, filter: string, at: CanvasPoint): Promise<string> {
    await this.filterPalette(filter);
    // The filter applies after a short debounce: wait for a core node that does not match it to disappear
    // (callers filter by text that "inject" does not contain).
    await this.paletteNode('inject').waitFor({ state: 'hidden' });
    const source = this.paletteNode(type);
    await source.scrollIntoViewIfNeeded();
    const before = await this.canvasNodeIds();
    const from = await centre(source);
    const to = await this.canvasPoint(at);
    await this.page.mouse.move(from.x, from.y);
    await this.page.mouse.down();
    // jQuery UI starts a drag only after the pointer has moved a little; then it follows the moves.
    await this.page.mouse.move(from.x + 15, from.y + 5, { steps: 4 });
    await this.page.mouse.move(to.x, to.y, { steps: 12 });
    await this.page.mouse.up();
    const id = await this.waitForNewNode(before, `a ${type} node dropped from the palette`);
    await this.filterPalette('');
    return id;
  }

  // ---- workspace ----------------------------------------------------------------------------------------

  /** Converts a workspace point to page coordinates. */
  async canvasPoint(at: CanvasPoint): Promise<{ x: number; y: number }> {
    const box = await this.page.locator('#red-ui-workspace-chart').boundingBox();
    if (!box) throw new Error('the workspace is not visible');
    return { x: box.x + at.x, y: box.y + at.y };
  }

  async canvasNodeIds(): Promise<string[]> {
    return this.page.$$eval('#red-ui-workspace-chart g.red-ui-flow-node-group', (els) => els.map((e) => e.id));
  }

  private async waitForNewNode(before: string[], what: string): Promise<string> {
    const handle = await this.page
      .waitForFunction(
        (known: string[]) => {
          const ids = Array.from(document.querySelectorAll('#red-ui-workspace-chart g.red-ui-flow-node-group')).map(
            (e) => e.id,
          );
          return ids.find((id) => !known.includes(id)) ?? false;
        },
        before,
        { timeout: UI_TIMEOUT_MS },
      )
      .catch((err: Error) => {
        throw new Error(`${what} never appeared on the workspace: ${err.message}`);
      });
    return (await handle.jsonValue()) as string;
  }

  /** The node on the workspace with this id. */
  node(id: string): Locator {
    return this.page.locator(`#red-ui-workspace-chart g.red-ui-flow-node-group[id="${id}"]`);
  }

  /** The node on the workspace whose label is exactly this text. */
  nodeLabelled(label: string): Locator {
    return this.page.locator('#red-ui-workspace-chart g.red-ui-flow-node-group').filter({
      has: this.page.locator('.red-ui-flow-node-label', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
    });
  }

  /** The status text under a node ('' when none shows). */
  async statusText(node: Locator): Promise<string> {
    return ((await node.locator('.red-ui-flow-node-status-label').textContent()) ?? '').trim();
  }

  /** Waits for the node's status to show with this fill colour; returns its text. */
  async waitForStatus(
    node: Locator,
    fill: 'green' | 'red' | 'yellow' | 'grey' | 'blue',
    timeoutMs = 30000,
  ): Promise<string> {
    const shape = node.locator(
      `.red-ui-flow-node-status-group .red-ui-flow-node-status-dot-${fill}, .red-ui-flow-node-status-group .red-ui-flow-node-status-ring-${fill}`,
    );
    try {
      await shape.first().waitFor({ state: 'visible', timeout: timeoutMs });
    } catch (err) {
      throw new Error(
        `the node's status never turned ${fill} (it shows "${await this.statusText(node)}"): ${(err as Error).message}`,
      );
    }
    return this.statusText(node);
  }

  /** Double-clicks a node and waits for its edit dialog. */
  async editNode(node: Locator): Promise<void> {
    // Mouse events at the node's centre: Playwright's element clicks may scroll the workspace first.
    const at = await centre(node.locator('rect.red-ui-flow-node'));
    await this.page.mouse.dblclick(at.x, at.y);
    await this.page.locator('#node-dialog-ok').waitFor({ state: 'visible' });
  }

  /** Presses Done in the node edit dialog and waits for the dialog to close. */
  async closeEditor(): Promise<void> {
    await this.page.locator('#node-dialog-ok').click();
    await this.page.locator('#node-dialog-ok').waitFor({ state: 'detached' });
    await this.waitForWorkspace();
  }

  /** Presses Cancel in the node edit dialog and waits for the dialog to close. */
  async cancelEditor(): Promise<void> {
    await this.page.locator('#node-dialog-cancel').click();
    await this.page.locator('#node-dialog-cancel').waitFor({ state: 'detached' });
    await this.waitForWorkspace();
  }

  /** Cancels every open edit dialog (a config dialog on top of a node dialog included), e.g. after a failure. */
  async cancelOpenDialogs(): Promise<void> {
    const cancel = this.page.locator('#node-config-dialog-cancel:visible, #node-dialog-cancel:visible').first();
    for (let i = 0; i < 5 && (await cancel.count()); i++) {
      await cancel.click({ timeout: 5000 });
      await cancel.waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
    }
  }

  /** Drags a wire from a node's first output port to another node's input port. */
  async wire(from: Locator, to: Locator): Promise<void> {
    const linksBefore = await this.page.locator('#red-ui-workspace-chart g.red-ui-flow-link').count();
    const start = await centre(from.locator('.red-ui-flow-port-output .red-ui-flow-port').first());
    const end = await centre(to.locator('.red-ui-flow-port-input .red-ui-flow-port').first());
    await this.page.mouse.move(start.x, start.y);
    await this.page.mouse.down();
    await this.page.mouse.move((start.x + end.x) / 2, (start.y + end.y) / 2, { steps: 8 });
    await this.page.mouse.move(end.x, end.y, { steps: 8 });
    await this.page.mouse.up();
    await this.page
      .locator('#red-ui-workspace-chart g.red-ui-flow-link')
      .nth(linksBefore)
      .waitFor({ state: 'attached' })
      .catch((err: Error) => {
        throw new Error(`dragging from the output port to the input port made no wire: ${err.message}`);
      });
  }

  /** Presses an inject node's button. */
  async pressInject(node: Locator): Promise<void> {
    const at = await centre(node.locator('.red-ui-flow-node-button rect.red-ui-flow-node-button-button'));
    await this.page.mouse.click(at.x, at.y);
  }

  /** Selects a node with a click. */
  async selectNode(node: Locator): Promise<void> {
    const at = await centre(node.locator('rect.red-ui-flow-node'));
    await this.page.mouse.click(at.x, at.y);
  }

  /** Clicks an empty spot of the workspace (drops a selection). */
  async clickCanvas(at: CanvasPoint): Promise<void> {
    const p = await this.canvasPoint(at);
    await this.page.mouse.click(p.x, p.y);
  }

  // ---- deploy -------------------------------------------------------------------------------------------

  /**
   * Presses Deploy and waits for "Successfully deployed". Node-RED asks for confirmation when the flow has
   * invalid or unknown nodes: that is a failure here (the dialog is cancelled and its text reported).
   */
  async deploy(): Promise<void> {
    await this.page.locator('#red-ui-header-button-deploy').click();
    const success = this.notification('Successfully deployed');
    const confirm = this.page.locator('#red-ui-deploy-dialog-confirm-deploy-deploy');
    await success.or(confirm).first().waitFor({ state: 'visible', timeout: 30000 });
    if (await confirm.isVisible()) {
      const dialog = this.page.locator('.red-ui-notification').filter({ has: confirm });
      const text = (await dialog.innerText()).trim();
      await dialog
        .getByRole('button', { name: 'Cancel' })
        .click()
        .catch(() => undefined);
      throw new Error(`Deploy asked for confirmation instead of deploying: ${text}`);
    }
    // The button greys out once nothing is left to deploy; the shade over the workspace goes a moment later.
    await this.page.locator('#red-ui-header-button-deploy.disabled').waitFor({ state: 'attached' });
    await this.waitForWorkspace();
  }

  /**
   * Waits until no shade covers the workspace. Node-RED lays one over it while a dialog is open and while a
   * deploy is in flight (until a little after "Successfully deployed"); clicks on the canvas would hit it.
   * Node-RED 4 names it #red-ui-editor-shade, Node-RED 5 #red-ui-full-shade.
   */
  async waitForWorkspace(): Promise<void> {
    await this.page.locator('#red-ui-editor-shade').waitFor({ state: 'hidden' });
    await this.page.locator('#red-ui-full-shade').waitFor({ state: 'hidden' });
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.red-ui-notification').filter({ hasText: text });
  }

  /** Closes the notifications on screen (they cover the header and the top of the canvas in screenshots). */
  async dismissNotifications(): Promise<void> {
    const shown = this.page.locator('.red-ui-notification:visible');
    for (const n of await shown.all()) await n.click({ timeout: 2000 }).catch(() => undefined);
    // They fade out; a notification that will not close is only cosmetic, so this wait may give up.
    await this.page
      .waitForFunction(() => document.querySelectorAll('.red-ui-notification').length === 0, undefined, {
        timeout: 5000,
      })
      .catch(() => undefined);
  }

  // ---- menus and import ---------------------------------------------------------------------------------

  async openMainMenu(): Promise<void> {
    await this.page.locator('#red-ui-header-button-sidemenu').click();
  }

  private async openImportDialog(): Promise<void> {
    await this.openMainMenu();
    await this.page.locator('#menu-item-import').click();
    await this.page.locator('#red-ui-clipboard-dialog-ok').waitFor({ state: 'visible' });
  }

  /** Pastes flow JSON into Import > Clipboard, imports it and drops the nodes at `at`. Returns the notification text. */
  async importClipboard(flow: object[], at: CanvasPoint): Promise<string> {
    await this.openImportDialog();
    const text = this.page.locator('#red-ui-clipboard-dialog-import-text');
    await text.fill(JSON.stringify(flow));
    await text.press('End'); // the dialog validates on key-up
    await this.page
      .locator('#red-ui-clipboard-dialog-ok:not(.ui-state-disabled):not([disabled])')
      .waitFor({ state: 'visible' });
    return this.finishImport(at);
  }

  /** Import > Examples > <module> > <example>, imported and dropped at `at`. Returns the notification text. */
  async importExample(moduleName: string, example: string, at: CanvasPoint): Promise<string> {
    await this.openImportDialog();
    await this.page
      .locator('#red-ui-clipboard-dialog-import-tabs a[href="#red-ui-clipboard-dialog-import-tab-examples"]')
      .click();
    const tree = this.page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    await tree.waitFor({ state: 'visible' });
    const label = (text: string) =>
      tree.locator('.red-ui-treeList-label').filter({ has: this.page.getByText(text, { exact: true }) });
    const file = label(example);
    if (!(await file.isVisible())) await label(moduleName).click();
    await file.click();
    await this.page
      .locator('#red-ui-clipboard-dialog-ok:not(.ui-state-disabled):not([disabled])')
      .waitFor({ state: 'visible' });
    return this.finishImport(at);
  }

  private async finishImport(at: CanvasPoint): Promise<string> {
    await this.dismissNotifications();
    await this.page.locator('#red-ui-clipboard-dialog-ok').click();
    await this.page.locator('#red-ui-clipboard-dialog-ok').waitFor({ state: 'hidden' });
    await this.waitForWorkspace();
    // Imported nodes hang on the pointer until the user clicks where they go.
    const p = await this.canvasPoint(at);
    await this.page.mouse.move(p.x - 10, p.y - 10);
    await this.page.mouse.move(p.x, p.y, { steps: 4 });
    await this.page.mouse.click(p.x, p.y);
    // "Imported: N nodes" ends an import (English editor); warnings such as unknown types come at the same time.
    await this.page
      .locator('.red-ui-notification')
      .filter({ hasText: /Imported/ })
      .first()
      .waitFor({ state: 'visible' });
    return (await this.page.locator('.red-ui-notification').allInnerTexts()).map((t) => t.trim()).join('\n---\n');
  }

  /** Notifications of type error (an import of unknown types, a failed deploy ...). */
  errorNotifications(): Locator {
    return this.page.locator('.red-ui-notification.red-ui-notification-error');
  }

  /** Workspace nodes drawn as "unknown type" (dashed red). */
  unknownNodes(): Locator {
    return this.page.locator('#red-ui-workspace-chart rect.red-ui-flow-node-unknown');
  }

  /** Workspace nodes showing the red "invalid properties" triangle. */
  invalidNodes(): Locator {
    return this.page.locator('#red-ui-workspace-chart g.red-ui-flow-node-group g.red-ui-flow-node-error:not(.hide)');
  }

  /** Undo (Ctrl+Z) and wait for the workspace to hold `expected` nodes again. */
  async undoUntilNodeCount(expected: number): Promise<void> {
    await this.page.keyboard.press('Control+z');
    await this.page.waitForFunction(
      (n: number) => document.querySelectorAll('#red-ui-workspace-chart g.red-ui-flow-node-group').length === n,
      expected,
      { timeout: UI_TIMEOUT_MS },
    );
  }

  // ---- sidebar ------------------------------------------------------------------------------------------

  /**
   * Opens a sidebar panel by its button: Node-RED 4 has tab buttons at the top of one sidebar, Node-RED 5 a
   * button bar with data-tab-id. A panel already showing is left as it is (a second press may hide it).
   */
  async openSidebarTab(id: SidebarPanel): Promise<Locator> {
    const content = this.sidebarContent(id);
    if (await content.isVisible()) return content;
    const nr4 = this.page.locator(`#red-ui-tab-${id}-link-button`);
    const nr5 = this.page.locator(`button[data-tab-id="${id}"]`);
    await ((await nr4.count()) ? nr4 : nr5).first().click();
    await content.waitFor({ state: 'visible' });
    return content;
  }

  sidebarContent(id: SidebarPanel): Locator {
    const selector: Record<SidebarPanel, string> = {
      help: '.red-ui-sidebar-help-stack',
      debug: '.red-ui-debug-content-list',
      config: '.red-ui-sidebar-node-config',
    };
    return this.page.locator(selector[id]).first();
  }

  /**
   * Waits for the help sidebar to show the help titled `title` (a node's palette label) and returns its
   * section headings (Inputs, Outputs, Details, References in English) and its text.
   */
  async helpShown(title: string): Promise<{ headings: string[]; text: string }> {
    const stack = this.sidebarContent('help');
    await stack
      .locator('.red-ui-help-title', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) })
      .waitFor({ state: 'visible' });
    const body = stack.locator('.red-ui-help').first();
    await body.waitFor({ state: 'visible' });
    const headings = (await body.locator('h3').allInnerTexts()).map((h) => h.trim());
    return { headings, text: await body.innerText() };
  }

  /** Debug sidebar messages, newest last. */
  debugMessages(): Locator {
    return this.page.locator('.red-ui-debug-content-list .red-ui-debug-msg');
  }

  /** Clears the debug sidebar (its bin button). */
  async clearDebug(): Promise<void> {
    await this.openSidebarTab('debug');
    await this.page.locator('#red-ui-sidebar-debug-clear').click();
    await this.debugMessages().first().waitFor({ state: 'detached' });
  }
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.waitFor({ state: 'visible' });
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
