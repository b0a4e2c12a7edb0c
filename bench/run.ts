import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadContent } from '../src/content/content-loader.ts';
import { startServerProcess, killed, type ServerProcess } from '../test/support/server-process.ts';
import { buildContent, buildStore, FORTY } from './build-store.ts';
import { paced, fmtPaced } from './paced.ts';
import { load, fmt, combine, type LoadResult } from './load.ts';
import type { BenchContext, Scenario } from './bench-types.ts';
import { seedSessions } from './seed-sessions.ts';
import { login, metrics, progressWrite, progressWrites } from './bench-http.ts';
import { openStore } from '../src/lib/db.ts';
import { cpuMicros, memoryOf } from './proc.ts';

/**
 * npm run bench: builds a 10,000-learner store, starts the real server on loopback and measures it
 * against bare Express serving the same bytes, in the same run. Prints figures and ratios.
 * `npm run bench -- --pg` (or BENCH_STORE=pg) then loads the same store into a throwaway PostgreSQL
 * cluster (fsync on) and measures the same scenarios there, with one instance and with two.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 10_000);
const PG = process.argv.includes('--pg') || process.env.BENCH_STORE === 'pg';
const started = performance.now();
const line = (s: string) => console.log(s);
const work = mkdtempSync(join(tmpdir(), 'onramp-bench-'));
const children: ServerProcess['child'][] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

const contentDir = join(work, 'content');
buildContent(ROOT, contentDir);
const content = loadContent(contentDir);
const mirrorSteps = content.workshops.get('registry-mirror')!.steps.map((s) => s.id);
const fortySteps = content.workshops.get(FORTY)!.steps.map((s) => s.id);

const extras = await loadExtras();

line(`# Onramp benchmark (${new Date().toISOString()}, Node ${process.version}, ${LEARNERS} learners)`);
let t = performance.now();
const big = await buildStore(join(work, 'big'), LEARNERS, 520, mirrorSteps, extras.seed);
const small = await buildStore(join(work, 'small'), 100, 100, mirrorSteps);
line(`store built in ${((performance.now() - t) / 1000).toFixed(1)} s: ${bytesOf(join(work, 'big', 'store'))}`);

// Logs as in production: a JSON line per request (the harness reads the pipe and keeps the recent part).
const env = { LOG_FORMAT: 'json', CONTENT_DIR: contentDir, SEED_DIR: join(ROOT, 'seed'), RATE_LIMIT_LOGIN: '0', RATE_LIMIT_SIGNUP: '0', RATE_LIMIT_SUBMIT: '0', RATE_LIMIT_JOIN: '0' };

t = performance.now();
const server = await startServerProcess(join(work, 'big'), env, 60_000);
children.push(server.child);
const startupMs = performance.now() - t;
const selfReported = /started in (\d+) ms(?:: ([^;]*))?/.exec(server.output());
line(`\n## Start-up with the large store\nready after ${Math.round(startupMs)} ms from spawn (server's own count: ${selfReported?.[1]} ms${selfReported?.[2] ? `; ${selfReported[2]}` : ''}); target < 3000 ms`);
line(`memory when ready: RSS ${memoryOf(server.child.pid!, 'VmRSS')} MB, peak so far ${memoryOf(server.child.pid!, 'VmHWM')} MB`);

// Signed-in learners for the step page: log in through the real form.
const cookies: string[] = [];
for (let i = 1; i <= 50; i++) cookies.push(await login(server.url, `learner${i}`));
const stepPath = '/workshops/aio-simplex-virtual/steps/run-bootstrap';
const html = await (await fetch(server.url + stepPath, { headers: { cookie: cookies[0]! } })).text();
if (!html.includes('Mark done') && !html.includes('Undo')) throw new Error('step page did not render for a signed-in learner');
const visitorHtml = await (await fetch(server.url + stepPath)).text();
if (!visitorHtml.includes('Sign in')) throw new Error('step page did not render for a visitor');

/**
 * A page against bare Express serving the same bytes: a short warm-up for both (JIT, caches, the
 * collector settling), then two turns each, alternating, so a slow spell of the machine weighs on both.
 */
async function pageAgainstBare(title: string, body: string, target: number, setup?: Parameters<typeof load>[0]['setup'], on: { url: string; pid: number } = { url: server.url, pid: server.child.pid! }) {
  const file = join(work, `page-${Math.random().toString(36).slice(2)}.html`);
  writeFileSync(file, body);
  const { url: bare, pid: barePid } = await startBare(file);
  line(`\n## ${title} (${body.length} bytes), 50 connections, ${SECONDS} s each (two turns, alternating with bare Express)`);
  await load({ url: on.url + stepPath, connections: 50, seconds: WARMUP, setup });
  await load({ url: `${bare}/page`, connections: 50, seconds: WARMUP });
  const pageRuns: LoadResult[] = [];
  const bareRuns: LoadResult[] = [];
  let pageCpuTotal = 0;
  let bareCpuTotal = 0;
  for (let turn = 0; turn < 2; turn++) {
    let cpu0 = cpuMicros(on.pid);
    pageRuns.push(await load({ url: on.url + stepPath, connections: 50, seconds: SECONDS / 2, setup }));
    pageCpuTotal += cpuMicros(on.pid) - cpu0;
    cpu0 = cpuMicros(barePid);
    bareRuns.push(await load({ url: `${bare}/page`, connections: 50, seconds: SECONDS / 2 }));
    bareCpuTotal += cpuMicros(barePid) - cpu0;
  }
  const page = combine(pageRuns);
  const barePage = combine(bareRuns);
  const pageCpu = pageCpuTotal / page.requests;
  const bareCpu = bareCpuTotal / barePage.requests;
  line(`onramp: ${fmt(page)}\nbare express: ${fmt(barePage)}`);
  line(`ratio ${(page.rps / barePage.rps).toFixed(2)} (target >= ${target}); p99 ${page.p99} ms (target < 50 ms)`);
  line(`server CPU per page: onramp ${pageCpu.toFixed(0)} µs, bare ${bareCpu.toFixed(0)} µs (ratio ${(bareCpu / pageCpu).toFixed(2)})`);
  summary.push([title, `${Math.round(page.rps)} req/s, ratio ${(page.rps / barePage.rps).toFixed(2)}, p99 ${page.p99} ms`]);
  return bare;
}

const summary: [string, string][] = [];
const bare = await pageAgainstBare("A visitor's step page (no cookie, no server session)", visitorHtml, 0.5);
let c = 0;
await pageAgainstBare("Signed-in learner's step page", html, 0.6, (req) => ({ ...req, headers: { ...req.headers, cookie: cookies[c++ % cookies.length]! } }));

line(`\n## Progress writes, sustained: PUT /api/me/progress, 200 connections, ${SECONDS} s, ${LEARNERS} learners in the store`);
await metrics(server.url, big.adminToken, true);
const writeSetup = (prefix: string) => progressWrites(big.tokens, fortySteps, prefix);
const writes = await load({ url: server.url, connections: 200, seconds: SECONDS, method: 'PUT', setup: writeSetup('/api/me/progress') });
const loopDuringWrites = await metrics(server.url, big.adminToken, true);
const bareWrites = await load({ url: bare, connections: 200, seconds: SECONDS, method: 'PUT', setup: writeSetup('/json') });
line(`onramp: ${fmt(writes)}\nbare express (same JSON parse): ${fmt(bareWrites)}`);
line(`acknowledged writes/s ${Math.round(writes.rps)} (target >= 1500); ratio ${(writes.rps / bareWrites.rps).toFixed(2)} (target >= 0.4)`);
summary.push(['progress writes, 200 connections', `${Math.round(writes.rps)}/s acknowledged, p99 ${writes.p99} ms`]);
line(`event loop during the write run: max delay ${loopDuringWrites.eventLoopDelayMs.max.toFixed(1)} ms (target <= 50 ms); journal syncs ${loopDuringWrites.store.batches}, commits ${loopDuringWrites.store.commits}`);
const atRate = await paced({ url: server.url, writers: 200, rate: 1500, seconds: SECONDS, request: (n) => progressWrite(big.tokens, fortySteps, n) });
const bareAtRate = await paced({ url: bare, writers: 200, rate: 1500, seconds: SECONDS, request: (n) => progressWrite(big.tokens, fortySteps, n, '/json') });
line(`at a steady 1,500/s from 200 writers (open loop, each request timed from when it was due):\nonramp: ${fmtPaced(atRate)}; target p99 < 100 ms\nbare express: ${fmtPaced(bareAtRate)}`);
summary.push(['progress writes, 1,500/s from 200 writers', `p99 ${atRate.p99.toFixed(0)} ms`]);

line(`\n## A room at once: 200 learners send a write in the same instant (${LEARNERS} learners in the store)`);
const bursts: number[] = [];
await Promise.all(big.tokens.slice(0, 200).map((tok) => fetch(`${server.url}/api/session`, { headers: { authorization: `Bearer ${tok}` } }).then((r) => r.text())));
await metrics(server.url, big.adminToken, true);
for (let round = 0; round < 5; round++) {
  const t0 = performance.now();
  const results = await Promise.all(
    big.tokens.slice(0, 200).map((tok, i) =>
      fetch(`${server.url}/api/me/progress/${FORTY}/${fortySteps[(i + round) % fortySteps.length]}`, {
        method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body: `{"done":${round % 2 === 0}}`,
      }).then((r) => r.status),
    ),
  );
  if (results.some((s) => s !== 200)) throw new Error(`burst had failures: ${results.filter((s) => s !== 200).length}`);
  bursts.push(performance.now() - t0);
}
const burstLoop = await metrics(server.url, big.adminToken, true);
line(`all 200 acknowledged in: ${bursts.map((b) => Math.round(b)).join(', ')} ms (worst ${Math.round(Math.max(...bursts))} ms; target < 500 ms)`);
summary.push(['200 writes at once, worst of 5', `${Math.round(Math.max(...bursts))} ms`]);
line(`event loop during the bursts: max delay ${burstLoop.eventLoopDelayMs.max.toFixed(1)} ms (target <= 50 ms)`);

line('\n## Write cost against store size: PUT p50 at 10 connections, 5 s');
const largeP50 = await load({ url: server.url, connections: 10, seconds: 5, method: 'PUT', setup: writeSetup('/api/me/progress') });
const smallServer = await startServerProcess(join(work, 'small'), env, 60_000);
children.push(smallServer.child);
const smallP50 = await load({ url: smallServer.url, connections: 10, seconds: 5, method: 'PUT', setup: progressWrites(small.tokens, fortySteps) });
await killed(smallServer.child, 'SIGTERM');
line(`100 learners: ${fmt(smallP50)}\n${LEARNERS} learners: ${fmt(largeP50)}`);
line(`p50 ratio large/small ${(largeP50.p50 / Math.max(smallP50.p50, 0.5)).toFixed(2)} (target <= 2)`);

const ctx: BenchContext = {
  url: server.url,
  tokens: big.tokens,
  adminToken: big.adminToken,
  workshop: { slug: 'aio-simplex-virtual', steps: content.workshops.get('aio-simplex-virtual')!.steps.map((s) => s.id) },
  serverPid: server.child.pid!,
  log: line,
};
for (const [name, scenario] of extras.scenarios) {
  line(`\n## ${name}`);
  await scenario(ctx);
}

const final = await metrics(server.url, big.adminToken, false);
line(`\n## Memory\nserver RSS now ${(final.rssBytes / 2 ** 20).toFixed(0)} MB, peak over the whole run (VmHWM) ${memoryOf(server.child.pid!, 'VmHWM')} MB`);
await killed(server.child, 'SIGTERM');
const embeddedSummary = summary.splice(0);
if (PG) {
  const { pgBench } = await import('./pg-bench.ts');
  await pgBench({
    work, env, line, stepPath, seconds: SECONDS, learners: LEARNERS, big, fortySteps, children, summary,
    backup: async () => {
      const store = await openStore(join(work, 'big', 'store'), { compactIntervalMs: 0, log: () => {} });
      try {
        return await store.backup(join(work, 'backups'));
      } finally {
        await store.close();
      }
    },
    pageAgainstBare: (title, body, target, setup, on) => pageAgainstBare(title, body, target, setup, on),
    scenarioContext: (url, urls, pid) => ({ ...ctx, url, urls, serverPid: pid }),
    liveScenario: extras.scenarios.find(([name]) => name.startsWith('Live session'))?.[1],
  });
  line('\n## Both stores in this run');
  line('| figure | embedded | PostgreSQL, one instance |\n| --- | --- | --- |');
  for (const [i, [name, value]] of embeddedSummary.entries()) line(`| ${name} | ${value} | ${summary[i]?.[1] ?? ''} |`);
}
for (const child of children) await killed(child, 'SIGKILL');
rmSync(work, { recursive: true, force: true });
line(`\nbenchmark finished in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);

// ---------------------------------------------------------------------------------------------

function startBare(file: string): Promise<{ url: string; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'bare-server.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /ready at (\S+)/.exec(d.toString());
      if (m) resolve({ url: m[1]!, pid: child.pid! });
    });
  });
}

function bytesOf(dir: string): string {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return `${(total / 2 ** 20).toFixed(1)} MB on disk`;
}

async function loadExtras(): Promise<{ seed: Parameters<typeof buildStore>[4]; scenarios: [string, Scenario][] }> {
  const scenarios: [string, Scenario][] = [];
  const seeders: NonNullable<Parameters<typeof buildStore>[4]>[] = [];
  for (const [file, exportName, title] of [
    ['scenarios/faq-search.ts', 'faqSearch', 'FAQ search with 2,000 entries'],
    ['scenarios/live-sse.ts', 'liveSse', 'Live session: 500 participants on SSE'],
    ['scenarios/insights.ts', 'insights', 'Insights at bench size: the maintainers\' page while the server keeps answering'],
    ['scenarios/hostile-input.ts', 'hostileInput', 'Hostile input: the worst payloads we know, alone and against a reading visitor'],
  ] as const) {
    if (!existsSync(join(ROOT, 'bench', file))) continue;
    const mod = (await import(`./${file}`)) as Record<string, unknown>;
    if (typeof mod[exportName] === 'function') scenarios.push([title, mod[exportName] as Scenario]);
    if (typeof mod.seed === 'function') seeders.push(mod.seed as never);
  }
  seeders.push(seedSessions);
  return { seed: async (commit, users) => { for (const s of seeders) await s(commit, users); }, scenarios };
}
