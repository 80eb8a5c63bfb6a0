import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Headless Chromium for the editor tests: Debian's /usr/bin/chromium driven by playwright-core (no browser
 * is ever downloaded), a fresh temporary profile per launch, and only 127.0.0.1 reachable.
 *
 *   const browser = await launchBrowser({ locale: 'en-US' });
 *   await browser.page.goto(nodeRed.url);
 *   await browser.screenshot('01-palette');
 *   await browser.close();
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Git-ignored; CI keeps it as a test artefact. */
export const SCREENSHOT_DIR = path.join(repoRoot, 'test-artifacts', 'screenshots');

export interface LaunchOptions {
  /** Browser locale (navigator.language, Accept-Language). Default en-US. */
  locale?: string;
  viewport?: { width: number; height: number };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in the page: an editor script that throws is a broken dialog. */
  pageErrors: string[];
  /** Requests the page tried to make to anything but 127.0.0.1 / localhost (they were blocked). */
  blockedRequests: string[];
  /** Saves a full-page PNG as test-artifacts/screenshots/<name>.png and returns its path. */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

function isLocal(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
    return u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  } catch {
    return true;
  }
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  if (!chromiumAvailable()) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueconf-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: options.locale ?? 'en-US',
      viewport: options.viewport ?? { width: 1440, height: 900 },
      timeout: 60000,
    });
  } catch (err) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }

  const pageErrors: string[] = [];
  const blockedRequests: string[] = [];
  // All traffic stays on this machine: anything else (a documentation link, a CDN) is refused.
  await context.route(
    (url) => !isLocal(url.toString()),
    (route) => {
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  context.setDefaultTimeout(20000);
  context.setDefaultNavigationTimeout(60000);
  const watch = (p: Page) => p.on('pageerror', (err) => pageErrors.push(err.stack || err.message));
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);

  let closed = false;
  return {
    context,
    page,
    pageErrors,
    blockedRequests,
    async screenshot(name: string, target: Page = page): Promise<string> {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await target.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
      return file;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        fs.rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
