import type { Scenario } from '../bench-types.ts';
import { login, metrics } from '../bench-http.ts';

/**
 * The maintainers' insights page at bench size (10,000 learners' progress): how long it takes, and the
 * longest the event loop stalls meanwhile (everyone else's requests wait that long). Target: < 50 ms.
 */
export const insights: Scenario = async (ctx) => {
  const cookie = await login(ctx.url, 'learner0'); // the bench store's admin
  for (const round of ['first (funnels computed)', 'again (cached)']) {
    await metrics(ctx.url, ctx.adminToken, true);
    // A visitor keeps asking for a small page meanwhile: its worst wait is what a stall costs people.
    let stop = false;
    let worstPing = 0;
    const pinger = (async () => {
      while (!stop) {
        const t = performance.now();
        await (await fetch(`${ctx.url}/healthz`)).arrayBuffer();
        worstPing = Math.max(worstPing, performance.now() - t);
      }
    })();
    const t = performance.now();
    const res = await fetch(`${ctx.url}/insights`, { headers: { cookie } });
    const html = await res.text();
    const ms = performance.now() - t;
    stop = true;
    await pinger;
    if (res.status !== 200 || !html.includes('Insights')) throw new Error(`/insights answered ${res.status}`);
    const loop = await metrics(ctx.url, ctx.adminToken, false);
    ctx.log(`${round}: answered in ${ms.toFixed(0)} ms; event loop max delay ${loop.eventLoopDelayMs.max.toFixed(1)} ms (target < 50 ms); a /healthz asked meanwhile waited at most ${worstPing.toFixed(1)} ms`);
  }
};
