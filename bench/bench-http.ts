import http from 'node:http';
import { BENCH_PASSWORD, FORTY } from './build-store.ts';
import type { load } from './load.ts';

/** Signs in through the real form, as a browser does; answers the cookies to send. */
export async function login(url: string, username: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  const pre = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const res = await fetch(`${url}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username, password: BENCH_PASSWORD }),
  });
  if (res.status !== 302) throw new Error(`login of ${username} failed: ${res.status}`);
  // Then the page the sign-in leads to, as a browser follows it: it hands out the form token's cookie
  // for the new session, which a browser then holds and sends with every page.
  const jar = new Map<string, string>();
  const keep = (r: Response) => r.headers.getSetCookie().forEach((c) => { const [pair] = c.split(';'); const at = pair!.indexOf('='); jar.set(pair!.slice(0, at), pair!.slice(at + 1)); });
  keep(res);
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const landing = await fetch(new URL(res.headers.get('location') ?? '/', url), { headers: { cookie: cookie() } });
  await landing.text();
  keep(landing);
  return cookie();
}

export async function metrics(url: string, token: string, reset: boolean) {
  const res = await fetch(`${url}/api/admin/metrics${reset ? '?reset=1' : ''}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { eventLoopDelayMs: { max: number }; rssBytes: number; store: { batches: number; commits: number } };
}

/**
 * One request on node:http. The actions are sent with this rather than fetch: the bench shares the
 * machine's two cores with the server, and fetch spent about as much CPU on a burst as the server did.
 */
export function send(agent: http.Agent, url: string, method: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The n-th progress write of the benchmark: the first 500 learners' tokens and the generated workshop's steps in turn. */
export function progressWrite(tokens: readonly string[], steps: readonly string[], n: number, prefix = '/api/me/progress') {
  return {
    method: 'PUT',
    path: `${prefix}/${FORTY}/${steps[n % steps.length]}`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % Math.min(500, tokens.length)]}` },
    body: `{"done":${n % 2 === 0}}`,
  };
}

/** The same writes one after the other, as an autocannon run's `setup`. */
export function progressWrites(tokens: readonly string[], steps: readonly string[], prefix?: string): NonNullable<Parameters<typeof load>[0]['setup']> {
  let n = 0;
  return (req) => {
    const { headers, ...write } = progressWrite(tokens, steps, n++, prefix);
    return { ...req, ...write, headers: { ...req.headers, ...headers } };
  };
}
