import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';

const AXE = join(import.meta.dirname, '..', '..', 'node_modules', 'axe-core', 'axe.min.js');
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

/**
 * WCAG 2.1 AA violations axe-core finds on the page as it is now, one line each (rule, what, where).
 * axe is injected as a script, so the context must be made with `bypassCSP` (our CSP forbids inline
 * scripts, rightly): axeContext does both.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(
    (tags) => (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<unknown> } }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_21_AA,
  )) as AxeResult;
  return result.violations.map((v) => `${page.url()}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

/** A context for axe: our CSP bypassed, and axe in every page it loads (once per page, not once per check). */
export async function axeContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ bypassCSP: true, viewport: DESKTOP });
  await context.addInitScript({ path: AXE });
  return context;
}

/**
 * Checks a page as it is on a desktop in the light theme, then on a phone in the dark theme: axe's
 * WCAG 2.1 AA violations of both, and whether the phone page scrolls sideways.
 */
export async function checkBothWays(page: Page): Promise<string[]> {
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
  const problems = await axeViolations(page);
  await page.setViewportSize(PHONE);
  await page.emulateMedia({ colorScheme: 'dark' });
  // Let the page's own resize handling run (code blocks that start to scroll become tab stops).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  problems.push(...(await axeViolations(page)).map((p) => `[phone, dark] ${p}`));
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > PHONE.width) problems.push(`${page.url()}: scrolls sideways on a phone (${wide}px wide)`);
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}
