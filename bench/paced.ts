import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { send } from './bench-http.ts';
import { percentile } from './load.ts';

export interface PacedResult {
  /** Requests per second asked for, and answered per second with a 2xx. */
  offered: number;
  acknowledged: number;
  sent: number;
  failed: number;
  /** What the failed requests got: a status code, or the client error when no answer came. */
  failures: Record<string, number>;
  /** Milliseconds from when each request was due (not when it could be sent) to its answer. */
  p50: number;
  p99: number;
  max: number;
  /** CPU the bench itself spent sending and timing, in ms (it shares the machine with the server). */
  benchCpuMs: number;
}

/**
 * Open-loop load, the way people arrive: `writers` writers, each sending one request every
 * `writers / rate` seconds from a random phase, on kept connections (node:http: the bench shares the
 * two cores with the server). A closed loop (autocannon's N connections, each sending when its last
 * answer came) measures the server at saturation, where latency is only N divided by throughput; this
 * asks what a given rate costs. A writer whose answer comes late sends its next request as soon as it
 * can, and that request's time still counts from when it was due, so a server that falls behind
 * cannot hide its queue by slowing the senders down (coordinated omission). The first `warmup` seconds
 * run at the same rate and are not counted.
 */
export async function paced(o: {
  url: string;
  writers: number;
  rate: number;
  seconds: number;
  /** Seconds at the same rate before the measured ones: connections open, both sides' code warms up. */
  warmup?: number;
  request: (n: number) => { method: string; path: string; headers: Record<string, string>; body: string };
}): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.writers });
  const interval = (o.writers / o.rate) * 1000;
  const begin = performance.now() + 100;
  const start = begin + (o.warmup ?? 2) * 1000;
  const end = start + o.seconds * 1000;
  let cpu0 = process.cpuUsage();
  setTimeout(() => (cpu0 = process.cpuUsage()), start - performance.now()).unref();
  const times: number[] = [];
  let n = 0;
  let sent = 0;
  let failed = 0;
  const failures: Record<string, number> = {};
  const writer = async () => {
    for (let due = begin + Math.random() * interval; due < end; due += interval) {
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const r = o.request(n++);
      const answer = await send(agent, o.url + r.path, r.method, r.headers, r.body).catch((err: NodeJS.ErrnoException) => ({ status: 0, error: err.code ?? err.message }));
      if (due < start) continue;
      sent++;
      if (answer.status >= 200 && answer.status < 300) times.push(performance.now() - due);
      else {
        failed++;
        const what = 'error' in answer ? answer.error : String(answer.status);
        failures[what] = (failures[what] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.writers }, writer));
  const took = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  return {
    offered: o.rate,
    acknowledged: times.length / took,
    sent,
    failed,
    failures,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.reduce((a, b) => Math.max(a, b), 0),
    benchCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

export const fmtPaced = (r: PacedResult) =>
  `${Math.round(r.acknowledged)}/s acknowledged of ${r.offered}/s offered, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(0)} ms (${r.sent} sent, ${r.failed} failed${r.failed > 0 ? `: ${Object.entries(r.failures).map(([what, n]) => `${what} ×${n}`).join(', ')}` : ''}; the bench's own CPU ${Math.round(r.benchCpuMs)} ms)`;
