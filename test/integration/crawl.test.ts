import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import request from 'supertest';
import { buildApp, signUp, logIn, type TestApp } from '../support/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildApp();
});
afterAll(async () => {
  await t.close();
});

/** Follows every local link a user can see, from a few starting pages; returns pages that failed. */
async function crawl(agent: request.Agent, start: string[], max = 300): Promise<{ visited: number; failures: string[] }> {
  const queue = [...start];
  const seen = new Set<string>();
  const failures: string[] = [];
  while (queue.length && seen.size < max) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await agent.get(path);
    if (res.status >= 500) failures.push(`${path} ${res.status}`);
    if (res.type !== 'text/html') continue;
    for (const m of res.text.matchAll(/href="(\/[^"#]*)"/g)) {
      const href = m[1]!.replace(/&amp;/g, '&');
      if (!href.startsWith('/static') && !seen.has(href)) queue.push(href);
    }
  }
  return { visited: seen.size, failures };
}

describe('every page a user can reach', () => {
  it('when visitors, learners and admins follow every link, then no page fails', async () => {
    await signUp(t.app, 'crawler-admin');
    const u = t.ports.users.byUsername('crawler-admin')!;
    await t.ports.users.update({ ...u, role: 'admin' });
    const start = ['/', '/faq/new', '/faq/mine', '/review', '/insights', '/admin/users', '/sessions/new', '/account', '/join'];
    const results = {
      visitor: await crawl(request.agent(t.app), start),
      learner: await crawl(await signUp(t.app, 'crawler-learner'), start),
      admin: await crawl(await logIn(t.app, 'crawler-admin'), start),
    };
    for (const r of Object.values(results)) {
      expect(r.failures).toEqual([]);
      expect(r.visited).toBeGreaterThan(15);
    }
  }, 60_000);
});
