import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import { tempDir } from '../support/temp.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;
warnIfNoChromium('print');
if (!hasPdftotext) console.warn('Skipping the print tests: pdftotext is missing (apt-get install -y poppler-utils).');

let rig: BrowserRig;

beforeAll(async () => {
  if (!hasChromium || !hasPdftotext) return;
  // The real workshops: the print view is for them.
  rig = await startBrowserRig(() => ({ CONTENT_DIR: join(ROOT, 'workshops'), SEED_DIR: join(ROOT, 'seed') }));
}, 60_000);

afterAll(async () => {
  await rig?.close();
}, 30_000);

/** The page as Chromium prints it to PDF, read back as text, one string per sheet. */
async function printed(page: Page, path: string): Promise<string[]> {
  await page.goto(`${rig.base}${path}`);
  const file = join(tempDir('pdf'), 'page.pdf');
  writeFileSync(file, await page.pdf({ format: 'A4' }));
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text.status).toBe(0);
  return text.stdout.split('\f').filter((sheet) => sheet.trim() !== '');
}
const fold = (s: string) => s.replace(/\s+/g, ' ');
/** Addresses are allowed to break anywhere on paper: compare them without white space. */
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe.skipIf(!hasChromium || !hasPdftotext)('printing', () => {
  it('when a learner prints a workshop, then every step is on paper from a new sheet, checkpoints show what to expect, links print their addresses, and no navigation or form does', async () => {
    const { t } = rig;
    const workshop = t.ports.progress.summary(undefined, 'aio-simplex-virtual');
    expect(workshop.total).toBe(12);
    const context = await rig.browser.newContext();
    const page = await context.newPage();

    const overview = await page.goto(`${rig.base}/workshops/aio-simplex-virtual`);
    expect(overview!.status()).toBe(200);
    await Promise.all([page.waitForURL('**/print'), page.click('text=Printable version')]);

    const sheets = await printed(page, '/workshops/aio-simplex-virtual/print');
    const all = sheets.join('\n');
    const titles = await page.$$eval('.takeaway-step > h2', (hs) => hs.map((h) => h.textContent!.trim()));
    expect(titles).toHaveLength(12);
    expect(titles[10]).toBe('Step 11: Verify the system (hosts, alarms, Kubernetes)');
    // Each step starts a sheet of its own: its "Step N of 12" line opens the sheet.
    const starts = titles.map((_, i) => sheets.findIndex((s) => s.trimStart().startsWith(`Step ${i + 1} of 12`)));
    expect(starts.every((s) => s > 0)).toBe(true);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    for (const [i, title] of titles.entries()) expect(fold(sheets[starts[i]!]!)).toContain(fold(title));

    // Checkpoints: the prompt and the output the step shows, no form.
    expect(all.match(/Checkpoint: what you should see/g)).toHaveLength(12);
    const verify = fold(sheets.slice(starts[10], starts[11]).join('\n'));
    expect(verify).toContain('paste the output of kubectl get nodes.');
    expect(verify).toMatch(/NAME STATUS ROLES AGE VERSION controller-0 Ready control-plane/);
    expect(verify).toContain('echo $KUBECONFIG');
    // Links print their addresses; the step's sources too.
    expect(squeeze(verify)).toContain('Kubernetesdocumentation(https://kubernetes.io/docs/)');
    expect(squeeze(verify)).toContain('(https://opendev.org/starlingx/stx-puppet/src/branch/r/stx.9.0/puppet-manifests/src/modules/platform/files/kubeconfig.sh)');
    // A link to another page of Onramp prints as its full address.
    expect(squeeze(verify)).toContain('(http://127.0.0.1:3000/faq/kubectl-localhost-8080-refused)');
    for (const chrome of ['Skip to content', 'Sign in', 'Create account', 'Back to the workshop', 'Check my output', 'Mark done', 'Copy']) {
      expect(all, chrome).not.toContain(chrome);
    }
    expect(all).toContain('Checked against StarlingX 9.0 on 1 December 2026');
    await context.close();
  }, 60_000);

  it('when any other page is printed, then its navigation, forms and buttons stay off the paper and its links print their addresses', async () => {
    const context = await rig.browser.newContext();
    const page = await context.newPage();
    const step = (await printed(page, '/workshops/aio-simplex-virtual/steps/verify')).join('\n');
    expect(fold(step)).toContain('Verify the system (hosts, alarms, Kubernetes)');
    expect(squeeze(step)).toContain('(https://kubernetes.io/docs/)');
    for (const chrome of ['Skip to content', 'Workshops Guides', 'Sign in', 'Create account', 'Check my output', 'Mark done', 'Copy', 'Your progress is kept']) {
      expect(step, chrome).not.toContain(chrome);
    }
    // The "I'm stuck" panel (the text of the step may still mention it).
    expect(step).not.toMatch(/^\s*I'm stuck\s*$/m);
    // On screen, the same page still has them.
    expect(await page.isVisible('#mark-done')).toBe(true);

    const faq = (await printed(page, '/faq/kubectl-localhost-8080-refused')).join('\n');
    expect(faq).toContain('localhost:8080');
    expect(faq).toMatch(/^\s*Fix\s*$/m);
    for (const chrome of ['Sign in', 'Did this help?', 'Suggest a fix']) expect(faq, chrome).not.toContain(chrome);
    // A list of sources shows its addresses once.
    const source = 'https://opendev.org/starlingx/stx-puppet/src/branch/r/stx.9.0/puppet-manifests/src/modules/platform/files/kubeconfig.sh';
    expect(squeeze(faq).split(source).length - 1).toBe(1);
    await context.close();
  }, 60_000);
});
