import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
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

/** The real app listening on loopback, and headless Chromium with the machine's closed network in mind. */
export async function startBrowserRig(env: Record<string, string> = {}): Promise<BrowserRig> {
  const t = await buildApp(env);
  const server: Server = t.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
