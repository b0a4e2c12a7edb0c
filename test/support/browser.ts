import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildApp, type TestApp } from './app.ts';

/** Debian's chromium; .ci/run installs it. Without it the browser journeys are skipped, loudly. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function warnIfNoChromium(journey: string): void {
  if (!hasChromium) console.warn(`Skipping the ${journey} browser journey: ${CHROMIUM} is missing (apt-get install -y chromium).`);
}

export interface BrowserRig {
  t: TestApp;
  base: string;
  browser: Browser;
  close: () => Promise<void>;
}

/**
 * The real app listening on loopback, and headless Chromium with the machine's closed network in mind.
 * `env` gives settings that depend on the app's own address (BASE_URL, an identity provider that
 * redirects back to it); the server listens before the app is built, so the address is known.
 */
export async function startBrowserRig(env: (base: string) => Record<string, string> | Promise<Record<string, string>> = () => ({})): Promise<BrowserRig> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await buildApp(await env(base));
  server.on('request', t.app);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    timeout: 30_000,
  });
  return {
    t,
    base,
    browser,
    async close() {
      await browser.close().catch(() => {});
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.close();
    },
  };
}

/**
 * A page in a context of its own (10 s per action), and the problems a user would see: errors on the
 * console and uncaught exceptions in the page. `ignore` leaves out console errors that are not
 * Onramp's (e.g. an identity provider's missing favicon).
 */
export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}, ignore?: (text: string) => boolean): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore?.(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

/** Onramp's JSON API as a script uses it: GET, or POST with a body; with a bearer token or none. */
export function jsonApi(base: string) {
  return (path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: any }> =>
    fetch(`${base}/api${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
}
