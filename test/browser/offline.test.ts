import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { hasChromium, startBrowserRig, warnIfNoChromium, type BrowserRig } from '../support/browser.ts';
import { tempDir } from '../support/temp.ts';

const ROOT = join(import.meta.dirname, '..', '..');
warnIfNoChromium('offline');

let rig: BrowserRig;

beforeAll(async () => {
  if (!hasChromium) return;
  rig = await startBrowserRig(() => ({ CONTENT_DIR: join(ROOT, 'workshops'), SEED_DIR: join(ROOT, 'seed') }));
}, 60_000);

afterAll(async () => {
  await rig?.close();
}, 30_000);

const NODES_READY = 'NAME           STATUS   ROLES           AGE   VERSION\ncontroller-0   Ready    control-plane   3h    v1.28.4';
const STILL_LOCKED = '| 1  | controller-0 | controller  | locked       | disabled    | online       |';

describe.skipIf(!hasChromium)('a workshop taken offline', () => {
  it('when a learner saves a workshop and opens it from disk with no network, then it reads whole, copy buttons work, answers are kept and exported, and back online they are checked in one go', async () => {
    const dir = tempDir('offline');
    const online = await rig.browser.newContext({ acceptDownloads: true });
    const site = await online.newPage();
    await site.goto(`${rig.base}/workshops/aio-simplex-virtual`);
    const [download] = await Promise.all([site.waitForEvent('download'), site.click('text=Download for offline use')]);
    expect(download.suggestedFilename()).toBe('onramp-aio-simplex-virtual-9.0.html');
    const copy = join(dir, download.suggestedFilename());
    await download.saveAs(copy);
    console.log(`offline copy of aio-simplex-virtual: ${statSync(copy).size} bytes`);

    // From disk, with every request that is not the file itself refused.
    const offline = await rig.browser.newContext({ acceptDownloads: true });
    await offline.grantPermissions(['clipboard-read', 'clipboard-write']);
    const requests: string[] = [];
    offline.on('request', (r) => requests.push(r.url()));
    await offline.route('**', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const page = await offline.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`file://${copy}`);

    expect(await page.textContent('h1')).toBe('Install StarlingX All-in-one Simplex on virtual machines');
    expect(await page.textContent('.takeaway-cover .provenance')).toContain('Checked against StarlingX 9.0 on 1 December 2026');
    expect(await page.textContent('#step-verify .provenance')).toContain('Checked against StarlingX 9.0');
    expect(await page.$$eval('.takeaway-step', (s) => s.length)).toBe(12);
    // Styled by its own inlined stylesheet: the copy has the site's look without loading it.
    expect(await page.$eval('.site-header, .takeaway-cover h1', (h) => getComputedStyle(h).fontFamily)).toContain('system-ui');

    // Copy buttons work from disk.
    const button = page.locator('#step-verify .copy-btn').first();
    expect(await button.isVisible()).toBe(true);
    await button.click();
    // The label changes once the clipboard has taken the text (an asynchronous write): wait for it, within bounds.
    await page.waitForFunction(() => document.querySelector('#step-verify .copy-btn')?.textContent !== 'Copy', undefined, { timeout: 5000 });
    expect(await button.textContent()).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.locator('#step-verify .code-block code').first().innerText());
    expect(copied).toContain('source /etc/platform/openrc');

    // Answers are kept in the browser as they are typed, and survive a reload.
    await page.fill('#answer-verify', NODES_READY);
    await page.fill('#answer-unlock', STILL_LOCKED);
    await page.waitForFunction(() => document.querySelector('#step-unlock .answer-status')!.textContent!.startsWith('Kept in this browser'));
    await page.reload();
    expect(await page.inputValue('#answer-verify')).toBe(NODES_READY);
    expect(await page.textContent('#answers-count')).toBe('2 answers kept in this browser.');

    const [answers] = await Promise.all([page.waitForEvent('download'), page.click('#export-answers')]);
    const file = join(dir, answers.suggestedFilename());
    await answers.saveAs(file);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json).toMatchObject({ format: 'onramp-offline-answers', version: 1, workshop: 'aio-simplex-virtual', release: '9.0' });
    expect(json.answers.map((a: { step: string }) => a.step).sort()).toEqual(['unlock', 'verify']);

    // Nothing but the file itself was asked for.
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:'))).toEqual([]);
    expect(problems).toEqual([]);
    await offline.close();

    // Back online: the overview leads to the check, the file is chosen, every checkpoint is checked.
    await site.goto(`${rig.base}/workshops/aio-simplex-virtual`);
    await site.click('text=Check my offline answers');
    await site.setInputFiles('#answers-file', file);
    // The page reads the chosen file into the box (FileReader is asynchronous).
    await site.waitForFunction(() => (document.querySelector('#answers') as HTMLTextAreaElement).value.includes('"onramp-offline-answers"'), undefined, { timeout: 5000 });
    await Promise.all([site.waitForURL('**/offline-answers?checked=*'), site.click('button:has-text("Check my answers")')]);
    expect(await site.textContent('.flash')).toContain('1 of 2 checkpoints passed.');
    const results = await site.$$eval('.answers-results li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
    expect(results[0]).toMatch(/^Step 10: Unlock .*Not yet\..*The host is still locked/);
    expect(results[1]).toMatch(/^Step 11: Verify the system .*Checkpoint passed; the step is marked done\./);
    await site.click('.answers-results li:nth-child(2) a');
    expect(await site.textContent('#checkpoint-result')).toContain('Checkpoint passed.');
    await site.goto(`${rig.base}/workshops/aio-simplex-virtual`);
    expect(await site.textContent('.progress-text')).toContain('1 of 12 steps done');
    await online.close();
  }, 60_000);
});
