import { join } from 'node:path';
import postgres from 'postgres';
import { adminQuery, startCluster } from '../test/support/pg-cluster.ts';
import { startServerProcess, killed, type ServerProcess } from '../test/support/server-process.ts';
import { migrateToPg } from '../src/cli/migrate-to-pg.ts';
import { FORTY, type BuiltStore } from './build-store.ts';
import { paced, fmtPaced } from './paced.ts';
import { load, fmt, type LoadResult } from './load.ts';
import { login, metrics, progressWrite, progressWrites } from './bench-http.ts';
import { memoryOf } from './proc.ts';
import type { BenchContext, Scenario } from './bench-types.ts';

type Setup = Parameters<typeof load>[0]['setup'];

export interface PgBenchOptions {
  work: string;
  env: Record<string, string>;
  line: (s: string) => void;
  stepPath: string;
  seconds: number;
  learners: number;
  big: BuiltStore;
  fortySteps: string[];
  children: ServerProcess['child'][];
  summary: [string, string][];
  /** A backup file of the embedded benchmark store (the server on it is stopped). */
  backup: () => Promise<string>;
  pageAgainstBare: (title: string, body: string, target: number, setup: Setup, on: { url: string; pid: number }) => Promise<string>;
  scenarioContext: (url: string, urls: string[] | undefined, pid: number) => BenchContext;
  liveScenario?: Scenario;
}

/**
 * The same scenarios on PostgreSQL: the benchmark store moved with `npm run migrate-to-pg` into a
 * throwaway cluster on this machine (fsync and synchronous_commit on, as in production), one instance,
 * then two on the same database (as behind a proxy), sharing the same two cores as the database.
 */
export async function pgBench(o: PgBenchOptions): Promise<void> {
  const { line } = o;
  line(`\n# The same on PostgreSQL (one cluster on this machine, fsync on; ${o.learners} learners)`);
  let t = performance.now();
  const cluster = await startCluster({ durable: true });
  try {
    await adminQuery(cluster, 'CREATE DATABASE onramp_bench');
    const url = cluster.url('onramp_bench');
    line(`cluster started in ${Math.round(performance.now() - t)} ms`);
    t = performance.now();
    const file = await o.backup();
    const backupMs = performance.now() - t;
    t = performance.now();
    const quiet = console.log;
    console.log = () => {};
    try {
      await migrateToPg([file], { ...process.env, ...o.env, DATABASE_URL: url });
    } finally {
      console.log = quiet;
    }
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const size = Number((await sql`SELECT pg_database_size(current_database()) AS n`)[0]!.n);
    await sql.end();
    line(`moved with a backup (${(backupMs / 1000).toFixed(1)} s) and npm run migrate-to-pg (${((performance.now() - t) / 1000).toFixed(1)} s); database ${(size / 2 ** 20).toFixed(0)} MB`);

    const env = { ...o.env, DATABASE_URL: url, SESSION_SECRET: 'the benchmark instances share this secret, 32+' };
    t = performance.now();
    const a = await startServerProcess(join(o.work, 'pg-a'), env, 120_000);
    o.children.push(a.child);
    line(`\n## Start-up on PostgreSQL\nready after ${Math.round(performance.now() - t)} ms from spawn (${/started in (\d+ ms[^;]*)/.exec(a.output())?.[1] ?? '?'}); memory when ready: RSS ${memoryOf(a.child.pid!, 'VmRSS')} MB`);

    const cookies: string[] = [];
    for (let i = 1; i <= 50; i++) cookies.push(await login(a.url, `learner${i}`));
    const html = await (await fetch(a.url + o.stepPath, { headers: { cookie: cookies[0]! } })).text();
    if (!html.includes('Mark done') && !html.includes('Undo')) throw new Error('step page did not render for a signed-in learner on PostgreSQL');
    const visitorHtml = await (await fetch(a.url + o.stepPath)).text();
    const onA = { url: a.url, pid: a.child.pid! };
    const bare = await o.pageAgainstBare("A visitor's step page (PostgreSQL)", visitorHtml, 0.4, undefined, onA);
    let c = 0;
    const withCookie: Setup = (req) => ({ ...req, headers: { ...req.headers, cookie: cookies[c++ % cookies.length]! } });
    await o.pageAgainstBare("Signed-in learner's step page (PostgreSQL)", html, 0.4, withCookie, onA);

    const writeSetup = (prefix: string) => progressWrites(o.big.tokens, o.fortySteps, prefix);
    line(`\n## Progress writes on PostgreSQL, sustained: 200 connections, ${o.seconds} s`);
    await metrics(a.url, o.big.adminToken, true);
    const writes = await load({ url: a.url, connections: 200, seconds: o.seconds, method: 'PUT', setup: writeSetup('/api/me/progress') });
    const during = await metrics(a.url, o.big.adminToken, true);
    const bareWrites = await load({ url: bare, connections: 200, seconds: o.seconds, method: 'PUT', setup: writeSetup('/json') });
    line(`onramp: ${fmt(writes)}\nbare express (same JSON parse): ${fmt(bareWrites)}`);
    line(`acknowledged writes/s ${Math.round(writes.rps)} (target >= 1500, p99 < 100 ms); ratio ${(writes.rps / bareWrites.rps).toFixed(2)}`);
    line(`event loop: max delay ${during.eventLoopDelayMs.max.toFixed(1)} ms; transactions ${during.store.batches} for ${during.store.commits} commits (${(during.store.commits / Math.max(1, during.store.batches)).toFixed(1)} per transaction)`);
    o.summary.push(['progress writes, 200 connections', `${Math.round(writes.rps)}/s acknowledged, p99 ${writes.p99} ms`]);
    const atRate = await paced({ url: a.url, writers: 200, rate: 1500, seconds: o.seconds, request: (n) => progressWrite(o.big.tokens, o.fortySteps, n) });
    line(`at a steady 1,500/s from 200 writers (open loop, each request timed from when it was due):\nonramp: ${fmtPaced(atRate)}; target p99 < 100 ms`);
    o.summary.push(['progress writes, 1,500/s from 200 writers', `p99 ${atRate.p99.toFixed(0)} ms`]);

    line('\n## A room at once on PostgreSQL: 200 learners send a write in the same instant');
    const bursts: number[] = [];
    for (let round = 0; round < 5; round++) {
      const t0 = performance.now();
      const results = await Promise.all(o.big.tokens.slice(0, 200).map((tok, i) =>
        fetch(`${a.url}/api/me/progress/${FORTY}/${o.fortySteps[(i + round) % o.fortySteps.length]}`, {
          method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body: `{"done":${round % 2 === 0}}`,
        }).then((r) => r.status)));
      if (results.some((s) => s !== 200)) throw new Error(`burst had failures: ${results.filter((s) => s !== 200).length}`);
      bursts.push(performance.now() - t0);
    }
    line(`all 200 acknowledged in: ${bursts.map((b) => Math.round(b)).join(', ')} ms (worst ${Math.round(Math.max(...bursts))} ms; target < 500 ms)`);
    o.summary.push(['200 writes at once, worst of 5', `${Math.round(Math.max(...bursts))} ms`]);

    // Two instances on the same database, as behind the proxy (no sticky sessions).
    const b = await startServerProcess(join(o.work, 'pg-b'), env, 120_000);
    o.children.push(b.child);
    const bCookies: string[] = [];
    for (let i = 51; i <= 100; i++) bCookies.push(await login(b.url, `learner${i}`));
    line(`\n## One instance against two on one database (${o.seconds} s each; the two instances and PostgreSQL share the 2 cores)`);
    let cb = 0;
    const withCookieB: Setup = (req) => ({ ...req, headers: { ...req.headers, cookie: bCookies[cb++ % bCookies.length]! } });
    const both = async (runA: () => Promise<LoadResult>, runB: () => Promise<LoadResult>) => {
      const [ra, rb] = await Promise.all([runA(), runB()]);
      return { rps: ra.rps + rb.rps, p99: Math.max(ra.p99, rb.p99), non2xx: ra.non2xx + rb.non2xx };
    };
    const page1 = await load({ url: a.url + o.stepPath, connections: 50, seconds: o.seconds, setup: withCookie });
    const page2 = await both(
      () => load({ url: a.url + o.stepPath, connections: 25, seconds: o.seconds, setup: withCookie }),
      () => load({ url: b.url + o.stepPath, connections: 25, seconds: o.seconds, setup: withCookieB }),
    );
    line(`signed-in step page, 50 connections: one instance ${Math.round(page1.rps)} req/s (p99 ${page1.p99} ms); two ${Math.round(page2.rps)} req/s (p99 ${page2.p99} ms, ${page2.non2xx} non-2xx): x${(page2.rps / page1.rps).toFixed(2)}`);
    const write1 = await load({ url: a.url, connections: 200, seconds: o.seconds, method: 'PUT', setup: writeSetup('/api/me/progress') });
    const write2 = await both(
      () => load({ url: a.url, connections: 100, seconds: o.seconds, method: 'PUT', setup: writeSetup('/api/me/progress') }),
      () => load({ url: b.url, connections: 100, seconds: o.seconds, method: 'PUT', setup: writeSetup('/api/me/progress') }),
    );
    line(`progress writes, 200 connections: one instance ${Math.round(write1.rps)}/s (p99 ${write1.p99} ms); two ${Math.round(write2.rps)}/s (p99 ${write2.p99} ms, ${write2.non2xx} non-2xx): x${(write2.rps / write1.rps).toFixed(2)}`);

    if (o.liveScenario) {
      line('\n## Live session on PostgreSQL: 500 participants split over two instances, the host on the first');
      await o.liveScenario(o.scenarioContext(a.url, [a.url, b.url], a.child.pid!));
    }
    line(`\nmemory after the run: instance A RSS ${memoryOf(a.child.pid!, 'VmRSS')} MB (peak ${memoryOf(a.child.pid!, 'VmHWM')} MB), instance B ${memoryOf(b.child.pid!, 'VmRSS')} MB`);
    await killed(a.child, 'SIGTERM');
    await killed(b.child, 'SIGTERM');
  } finally {
    cluster.destroy();
  }
}
