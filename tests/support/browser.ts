/**
 * A real headless Chromium for the console's end-to-end tests: Debian's `chromium`
 * package (installed by .ci/run), driven by playwright-core, which ships no browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { ROOT, RUN_DIR, testEnv } from './test-env';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The README's screenshots are refreshed on request only, so a test run leaves the checkout clean. */
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : path.join(RUN_DIR, 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens the console and signs in with `key`; every confirmation dialog is accepted. */
export async function signedInPage(browser: Browser, key: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${testEnv().baseUrl}/console/`);
  await page.fill('input[name=apiKey]', key);
  await page.click('button[type=submit]');
  await page.getByTestId('who').waitFor();
  return page;
}

/** Saves the page (or, given `from`, the viewport scrolled to that element) for the README. */
export async function screenshot(page: Page, name: string, from?: Locator) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  if (from) await from.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: !from });
}
