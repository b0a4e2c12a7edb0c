import { BENCH_PASSWORD } from './build-store.ts';

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
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

export async function metrics(url: string, token: string, reset: boolean) {
  const res = await fetch(`${url}/api/admin/metrics${reset ? '?reset=1' : ''}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { eventLoopDelayMs: { max: number }; rssBytes: number; store: { batches: number; commits: number } };
}
