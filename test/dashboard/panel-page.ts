import type { Locator, Page } from 'playwright-core';
import { dashboardPaths, loadExample, type FlowNode } from '../../demo/example-flows';

/**
 * The touch panel (examples/07 Touch panel.json) as a user sees it in the browser: its texts, buttons,
 * switches and slider, found by the names the example gives its widgets. Dashboard 2.0 renders each widget
 * in an element with the id `nrdb-ui-widget-<node id>`. Every wait has a deadline; nothing sleeps.
 */

export const PANEL_EXAMPLE = '07 Touch panel';

/** The panel's path under the dashboard's base path (`ui-base` path + `ui-page` path). */
export function panelPath(flows: FlowNode[] = loadExample(PANEL_EXAMPLE)): string {
  const [path] = dashboardPaths(flows);
  if (!path) throw new Error(`${PANEL_EXAMPLE} has no dashboard page`);
  return path;
}

export const PANEL_TIMEOUT_MS = 20000;

export class PanelPage {
  private readonly ids = new Map<string, string>();

  constructor(
    readonly page: Page,
    flows: FlowNode[] = loadExample(PANEL_EXAMPLE),
  ) {
    // Widgets only (they have a group): the groups' names ("Call") repeat widget names.
    for (const n of flows) if (typeof n.name === 'string' && typeof n.group === 'string') this.ids.set(n.name, n.id);
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(baseUrl + panelPath());
    await this.widget('Connection').waitFor({ state: 'visible', timeout: 60000 });
  }

  /** The widget the example names `name`. */
  widget(name: string): Locator {
    const id = this.ids.get(name);
    if (!id) throw new Error(`the panel has no widget named "${name}"`);
    return this.page.locator(`#nrdb-ui-widget-${id}`);
  }

  /** A text widget's value (Connection, Room, Conference, Duration, or the banner and message lines). */
  textValue(name: string): Locator {
    return this.widget(name).locator('.nrdb-ui-text-value');
  }

  /** Waits until a text widget shows text matching `pattern`; returns it. */
  async waitForText(name: string, pattern: RegExp, timeoutMs = PANEL_TIMEOUT_MS): Promise<string> {
    const value = this.textValue(name);
    try {
      await value.filter({ hasText: pattern }).waitFor({ state: 'visible', timeout: timeoutMs });
    } catch (err) {
      const shown = (await value.innerText().catch(() => '(not shown)')).trim();
      throw new Error(`"${name}" never showed ${pattern} (it shows "${shown}"): ${(err as Error).message}`);
    }
    return (await value.innerText()).trim();
  }

  /** Waits until a text box holds a value matching `pattern`. */
  async waitForInput(name: string, pattern: RegExp, timeoutMs = PANEL_TIMEOUT_MS): Promise<void> {
    const input = this.widget(name).locator('input');
    await input.waitFor({ state: 'attached', timeout: timeoutMs });
    const handle = await input.elementHandle();
    // Vue sets the value without an input event: waitForFunction re-checks on every animation frame.
    await this.page
      .waitForFunction(
        ({ el, source, flags }) => new RegExp(source, flags).test((el as unknown as { value: string }).value),
        { el: handle, source: pattern.source, flags: pattern.flags },
        { timeout: timeoutMs },
      )
      .catch(async (err: Error) => {
        throw new Error(`"${name}" never held ${pattern} (it holds "${await input.inputValue()}"): ${err.message}`);
      });
  }

  button(name: string): Locator {
    return this.widget(name).locator('button');
  }

  /**
   * Presses a button near its left edge. Dashboard 2.0's button acts on a click only when the pointer is
   * inside the bounds of the element under it, compared with whole-pixel coordinates: at the button's centre
   * that element can be the label, whose fractional left edge makes a click there count as outside.
   */
  async press(name: string): Promise<void> {
    const button = this.button(name);
    const box = await button.boundingBox();
    if (!box) throw new Error(`button "${name}" is not visible`);
    await button.click({ position: { x: 12, y: Math.round(box.height / 2) } });
  }

  /** The participants table's rows (empty when it shows "No data available"). */
  async participants(): Promise<string[]> {
    const rows = this.widget('Participants').locator('tbody tr:not(.v-data-table-rows-no-data)');
    return (await rows.allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
  }

  /** Picks a contact in the address-book picker by its visible label. */
  async pickContact(label: RegExp): Promise<void> {
    await this.widget('Contact').locator('.v-field').click();
    await this.page.locator('.v-overlay--active .v-list-item').filter({ hasText: label }).first().click();
    // The list closes with a transition; until it is gone it takes the next tap.
    await this.page.locator('.v-overlay--active').waitFor({ state: 'detached' });
  }

  /** The contact picker's entries (opens and closes its list). */
  async contacts(): Promise<string[]> {
    await this.widget('Contact').locator('.v-field').click();
    const items = this.page.locator('.v-overlay--active .v-list-item');
    await items.first().waitFor({ state: 'visible', timeout: PANEL_TIMEOUT_MS });
    const labels = (await items.allInnerTexts()).map((t) => t.trim());
    await this.page.keyboard.press('Escape');
    await this.page.locator('.v-overlay--active').waitFor({ state: 'detached' });
    return labels;
  }

  /** Opens the contact picker and waits until it offers (or no longer offers) an entry; the open list follows changes. */
  async waitForContact(label: RegExp, present: boolean, timeoutMs = PANEL_TIMEOUT_MS): Promise<void> {
    await this.widget('Contact').locator('.v-field').click();
    const items = this.page.locator('.v-overlay--active .v-list-item');
    await items.first().waitFor({ state: 'visible', timeout: timeoutMs });
    try {
      await items
        .filter({ hasText: label })
        .first()
        .waitFor({ state: present ? 'visible' : 'detached', timeout: timeoutMs });
    } catch (err) {
      const labels = (await items.allInnerTexts()).map((t) => t.trim());
      throw new Error(
        `the contact picker ${present ? 'never offered' : 'still offers'} ${label}: ${labels.join(' | ')}; ${(err as Error).message}`,
      );
    } finally {
      await this.page.keyboard.press('Escape');
      await this.page.locator('.v-overlay--active').waitFor({ state: 'detached' });
    }
  }

  /** Waits until a switch shows on (true) or off. */
  async waitForSwitch(name: string, on: boolean, timeoutMs = PANEL_TIMEOUT_MS): Promise<void> {
    const selector = on ? 'input[type="checkbox"]:checked' : 'input[type="checkbox"]:not(:checked)';
    await this.widget(name)
      .locator(selector)
      .waitFor({ state: 'attached', timeout: timeoutMs })
      .catch(async (err: Error) => {
        throw new Error(`switch "${name}" never showed ${on ? 'on' : 'off'}: ${err.message}`);
      });
  }

  /** Taps a switch's row (the whole line is the touch target). */
  async tapSwitch(name: string): Promise<void> {
    await this.widget(name).locator('.v-switch').click();
  }

  /** Whether a widget is disabled (greyed out, ignores touches). */
  async isDisabled(name: string): Promise<boolean> {
    return (await this.widget(name).locator('.v-input--disabled, button[disabled]').count()) > 0;
  }

  sliderThumb(name: string): Locator {
    return this.widget(name).locator('.v-slider-thumb');
  }

  async waitForSlider(name: string, value: number, timeoutMs = PANEL_TIMEOUT_MS): Promise<void> {
    await this.widget(name)
      .locator(`.v-slider-thumb[aria-valuenow="${value}"]`)
      .waitFor({ state: 'attached', timeout: timeoutMs })
      .catch(async (err: Error) => {
        const now = await this.sliderThumb(name).getAttribute('aria-valuenow');
        throw new Error(`slider "${name}" never showed ${value} (it shows ${now}): ${err.message}`);
      });
  }
}
