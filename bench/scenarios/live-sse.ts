import http from 'node:http';
import type { BenchContext, Scenario } from '../bench-types.ts';
import { percentile } from '../load.ts';
import { cpuMicros, memoryOf } from '../proc.ts';
import { send } from '../bench-http.ts';

const PARTICIPANTS = 500;
const ACTORS = 200;
const TIMEOUT_MS = 10_000;
/** A step of the bench workshop (aio-simplex-virtual) with a checkpoint whose hints know kubectl's refusal. */
const CHECKPOINT_STEP = 'verify';

interface Stream {
  status: number;
  events: number;
  close: () => void;
  closed: Promise<void>;
}

/**
 * A bounded SSE client on node:http: it keeps no history, only counts events and hands each parsed
 * event to `onEvent`; the buffer never holds more than one unfinished event.
 */
function openStream(url: string, token: string, agent: http.Agent, onEvent?: (type: string, data: string) => void): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (res) => {
      const stream: Stream = {
        status: res.statusCode ?? 0,
        events: 0,
        close: () => req.destroy(),
        closed: new Promise((r) => res.once('close', r)),
      };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        if (buf.length > 1 << 20) return req.destroy(new Error('event larger than 1 MB'));
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          if (block.startsWith(':') || !block.includes('data: ')) continue;
          stream.events += 1;
          if (onEvent) {
            const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            onEvent(type, /^data: (.*)$/m.exec(block)?.[1] ?? '');
          }
        }
      });
      resolve(stream);
    });
    req.on('error', (err) => reject(err));
  });
}

async function api<T>(ctx: BenchContext, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${ctx.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((x, j) => fn(x, i + j)))));
  return out;
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * 500 participants on SSE in one session while 200 of them change progress through the API: time
 * from each PUT to the host stream's event for it, server RSS, and streams released afterwards.
 */
export const liveSse: Scenario = async (ctx) => {
  const { log } = ctx;
  const pid = ctx.serverPid;
  const stats = () => api<{ streams: number }>(ctx, ctx.adminToken, 'GET', '/sessions/stats');
  const baseline = (await stats()).streams;
  const rssBefore = memoryOf(pid, 'VmRSS');

  const session = await api<{ id: string; code: string }>(ctx, ctx.adminToken, 'POST', '/sessions', {
    workshop: ctx.workshop.slug, title: 'Bench room', startsAt: new Date().toISOString(), durationMinutes: 120, capacity: 1000,
  });
  const tokens = ctx.tokens.filter((tk) => tk !== ctx.adminToken).slice(0, PARTICIPANTS);
  const joined = await inBatches(tokens, 50, (tk) =>
    api<{ participant: { userId: string; stepsDone: string[] } }>(ctx, tk, 'POST', '/sessions/join', { code: session.code }));

  // The host's stream: each participant event settles the pending action of that participant.
  type Seen = { userId: string; stepsDone: string[]; checkpoint?: { step: string; passed: boolean; at: string } | null };
  const pending = new Map<string, { settles: (p: Seen) => boolean; resolve: () => void }>();
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  // The participants' actions: each keeps its connection, as a browser with the page open does.
  const actions = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const base = `${ctx.url}/api/sessions/${session.id}`;
  // With several instances, participant i acts and listens on instance i mod n; the host on the first.
  const urlFor = (i: number) => (ctx.urls ? ctx.urls[i % ctx.urls.length]! : ctx.url);
  const host = await openStream(`${base}/events`, ctx.adminToken, agent, (type, data) => {
    if (type !== 'participant') return;
    const p = JSON.parse(data) as Seen;
    const want = pending.get(p.userId);
    if (want?.settles(p)) {
      pending.delete(p.userId);
      want.resolve();
    }
  });
  if (host.status !== 200) throw new Error(`host stream answered ${host.status}`);

  let t = performance.now();
  const streams = await inBatches(tokens, 100, (tk, i) => openStream(`${urlFor(i)}/api/sessions/${session.id}/my-events`, tk, agent));
  const refused = streams.filter((s) => s.status !== 200).length;
  await waitFor(() => streams.every((s) => s.status !== 200 || s.events > 0), TIMEOUT_MS, 'first room event on every stream');
  log(`${PARTICIPANTS} participants joined and connected in ${Math.round(performance.now() - t)} ms (${refused} refused); server streams ${(await stats()).streams} (baseline ${baseline})`);
  const rssConnected = memoryOf(pid, 'VmRSS');

  let rssPeak = rssConnected;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, memoryOf(pid, 'VmRSS'))), 100);
  const state = joined.map((j) => ({ userId: j.participant.userId, done: new Set(j.participant.stepsDone) }));

  const answered: number[] = [];
  /** One action: toggles a step of participant i and resolves with the ms until the host saw it. */
  const act = (i: number, round: number) => {
    const step = ctx.workshop.steps[(i + round) % ctx.workshop.steps.length]!;
    const s = state[i]!;
    const done = !s.done.has(step);
    const started = performance.now();
    const seen = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no host event for participant ${i} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      pending.set(s.userId, { settles: (p) => p.stepsDone.includes(step) === done, resolve: () => { clearTimeout(timer); resolve(performance.now() - started); } });
    });
    const write = send(actions, `${urlFor(i)}/api/me/progress/${ctx.workshop.slug}/${step}`, 'PUT', {
      authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json',
    }, JSON.stringify({ done })).then((r) => {
      if (r.status !== 200) throw new Error(`PUT answered ${r.status}`);
      answered.push(performance.now() - started);
    });
    if (done) s.done.add(step); else s.done.delete(step);
    return Promise.all([seen, write]).then(([ms]) => ms);
  };

  const report = (name: string, ms: number[], target = ' (target p99 < 250 ms)') =>
    log(`${name}: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms over ${ms.length} actions${target}`);

  // Spread: 200 participants act over about two seconds, as a room does.
  const spread = await Promise.all(Array.from({ length: ACTORS }, (_, i) => new Promise<number>((r, j) => setTimeout(() => act(i, 0).then(r, j), i * 10))));
  report('action -> host event, 200 actions over 2 s', spread);
  // Burst: the same 200 act in the same instant. Server and bench share the machine's cores, so say
  // how much CPU each spent: the burst's latency is the two together.
  const cpu0 = { server: cpuMicros(pid), bench: process.cpuUsage() };
  const burst = await Promise.all(Array.from({ length: ACTORS }, (_, i) => act(i, 1)));
  const benchCpu = process.cpuUsage(cpu0.bench);
  report('action -> host event, 200 actions at once', burst);
  log(`  CPU during that burst: server ${((cpuMicros(pid) - cpu0.server) / 1000).toFixed(0)} ms, this bench's clients ${((benchCpu.user + benchCpu.system) / 1000).toFixed(0)} ms`);
  report('action -> host event, all', [...spread, ...burst]);

  // Terminal checkpoints: the same 200 pipe a command's output (text/plain); the host sees each
  // verdict with its hint, as for a checkpoint on the step page. Spread as a room does, then at once.
  const check = (i: number) => {
    const started = performance.now();
    const since = new Date(Date.now() - 1).toISOString();
    const seen = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no host event for participant ${i}'s checkpoint within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      pending.set(state[i]!.userId, {
        settles: (p) => p.checkpoint?.step === CHECKPOINT_STEP && p.checkpoint.at >= since,
        resolve: () => { clearTimeout(timer); resolve(performance.now() - started); },
      });
    });
    const write = send(actions, `${urlFor(i)}/api/me/progress/${ctx.workshop.slug}/${CHECKPOINT_STEP}/checkpoint`, 'POST', {
      authorization: `Bearer ${tokens[i]}`, 'content-type': 'text/plain', accept: 'text/plain',
    }, 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n').then((r) => {
      if (r.status !== 200 || !r.body.startsWith('NOT YET')) throw new Error(`terminal checkpoint answered ${r.status}`);
    });
    return Promise.all([seen, write]).then(([ms]) => ms);
  };
  const checkSpread = await Promise.all(Array.from({ length: ACTORS }, (_, i) => new Promise<number>((r, j) => setTimeout(() => check(i).then(r, j), i * 10))));
  report('terminal checkpoint -> host event (verdict and hint), 200 over 2 s', checkSpread);
  report('terminal checkpoint -> host event (verdict and hint), 200 at once', await Promise.all(Array.from({ length: ACTORS }, (_, i) => check(i))));
  report('for comparison, action -> PUT answered (the write alone), all', answered, '');
  await new Promise((r) => setTimeout(r, 1200)); // let the throttled room summary reach everyone
  clearInterval(sampler);
  const fanout = streams.reduce((n, s) => n + s.events, 0);
  log(`participants' streams received ${fanout} events in all (room summaries, at most one a second per session)`);

  for (const s of [...streams, host]) s.close();
  t = performance.now();
  await waitFor(async () => (await stats()).streams <= baseline, TIMEOUT_MS, 'streams released');
  log(`streams back to baseline (${baseline}) ${Math.round(performance.now() - t)} ms after the clients left`);
  agent.destroy();
  actions.destroy();
  await api(ctx, ctx.adminToken, 'POST', `/sessions/${session.id}/end`);
  await new Promise((r) => setTimeout(r, 500));
  log(`server RSS: before ${rssBefore.toFixed(0)} MB, connected ${rssConnected.toFixed(0)} MB, peak during actions ${rssPeak.toFixed(0)} MB, after ${memoryOf(pid, 'VmRSS').toFixed(0)} MB`);
};
