import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildApp, csrfFrom, type TestApp } from '../support/app.ts';
import { onPostgres } from '../support/pg-databases.ts';
import { tempDir } from '../support/temp.ts';
import { openSse } from '../support/sse.ts';

const NGINX = '/usr/sbin/nginx';
const REPO = join(import.meta.dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The repository's deploy/nginx.conf as an operator would use it, with only what a test on loopback
 * must change: the two instances in the upstream, ports and certificate paths, and the file paths of
 * a private nginx (its own prefix, pid and logs, in the foreground).
 */
function nginxConfig(dir: string, ports: { https: number; http: number; upstreams: number[] }): string {
  let site = readFileSync(join(REPO, 'deploy', 'nginx.conf'), 'utf8');
  site = site.replace(/upstream onramp \{[\s\S]*?\n\}/, `upstream onramp {\n${ports.upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}\n    keepalive 32;\n}`);
  site = site.replace(/listen 80;/, `listen 127.0.0.1:${ports.http};`);
  site = site.replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${ports.https} ssl http2;`);
  site = site.replace(/server_name onramp\.example\.org;/g, 'server_name 127.0.0.1;');
  site = site.replace(/ssl_certificate\s+\S+;/, `ssl_certificate ${join(dir, 'cert.pem')};`);
  site = site.replace(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${join(dir, 'key.pem')};`);
  // The test needs these lines of the sample to stay what they are.
  for (const line of ['proxy_set_header X-Forwarded-Proto $scheme;', 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;', 'proxy_read_timeout 1h;', 'proxy_http_version 1.1;']) {
    if (!site.includes(line)) throw new Error(`deploy/nginx.conf no longer has: ${line}`);
  }
  return [
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')} warn;`,
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${join(dir, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, `${t}_temp`)};`),
    site,
    '}',
  ].join('\n');
}

/** One HTTPS request through the proxy; answers status, headers and body. */
function call(url: string, ca: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; json: () => any }>((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const usable = onPostgres() && existsSync(NGINX);

/** Debian's nginx with the repository's configuration in front of two instances on one database. */
describe.skipIf(!usable)('two instances behind nginx (deploy/nginx.conf)', () => {
  let a: TestApp;
  let b: TestApp;
  const servers: http.Server[] = [];
  let nginx: ChildProcess | undefined;
  let dir: string;
  let base: string;
  let ca: string;
  const streams: { close: () => void }[] = [];

  beforeAll(async () => {
    dir = tempDir('nginx');
    chmodSync(dir, 0o755);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const httpsPort = await freePort();
    base = `https://127.0.0.1:${httpsPort}`;
    // Every instance signs cookies and form tokens with the same secret, as in production.
    const env = { BASE_URL: base, TRUST_PROXY: 'loopback', SESSION_SECRET: 'one secret for every instance, 32+ chars' };
    a = await buildApp(env);
    b = await buildApp(env, undefined, undefined, { databaseUrl: a.databaseUrl });
    const upstreams: number[] = [];
    for (const t of [a, b]) {
      const server = t.app.listen(0, '127.0.0.1');
      servers.push(server);
      await new Promise((r) => server.once('listening', r));
      upstreams.push((server.address() as AddressInfo).port);
    }
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, `${t}_temp`));
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, { https: httpsPort, http: await freePort(), upstreams }));
    execFileSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' });
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const up = await call(`${base}/healthz`, ca).then((r) => r.status === 200, () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    for (const s of streams.splice(0)) s.close();
    nginx?.kill('SIGQUIT');
    if (nginx && nginx.exitCode === null) await new Promise((r) => nginx!.once('exit', r));
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
    await b?.close();
    await a?.close();
  });

  const json = (token?: string) => ({ 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) });
  async function apiUser(name: string): Promise<string> {
    expect((await call(`${base}/api/users`, ca, { method: 'POST', headers: json(), body: JSON.stringify({ username: name, password: 'correct horse battery' }) })).status).toBe(201);
    const tok = await call(`${base}/api/tokens`, ca, { method: 'POST', headers: json(), body: JSON.stringify({ username: name, password: 'correct horse battery', name: 'nginx' }) });
    expect(tok.status).toBe(201);
    return tok.json().token as string;
  }
  /** Which instance served the requests: each logs a line per request. */
  const served = (t: TestApp) => t.logs().filter((l) => l.includes('"msg":"request"')).length;

  it('when someone signs up in a browser, then the form works over HTTPS with secure cookies, and the next page, served by the other instance, knows them', async () => {
    const form = await call(`${base}/signup`, ca);
    expect(form.status).toBe(200);
    const cookies = (form.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    const body = new URLSearchParams({ _csrf: csrfFrom(form.text), username: 'browser-user', password: 'correct horse battery' }).toString();
    const done = await call(`${base}/signup`, ca, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies, origin: base }, body });
    expect(done.status).toBe(302);
    const session = (done.headers['set-cookie'] ?? []).find((c) => /secure/i.test(c));
    expect(session, 'a Secure session cookie (X-Forwarded-Proto: https reached Onramp)').toBeDefined();
    const jar = [...(done.headers['set-cookie'] ?? []), ...(form.headers['set-cookie'] ?? [])].map((c) => c.split(';')[0]).join('; ');
    // Round robin: of the next requests, some reach each instance, and every one sees the account.
    for (let i = 0; i < 4; i++) {
      const home = await call(`${base}/account`, ca, { headers: { cookie: jar } });
      expect(home.status).toBe(200);
      expect(home.text).toContain('browser-user');
    }
  });

  it('when a live session runs through the proxy, then the host sees participants within 250 ms wherever they land, the stream survives a reconnect to either instance, and ending it closes the streams', async () => {
    const host = await apiUser('proxy-host');
    const u = a.ports.users.byUsername('proxy-host')!;
    await a.ports.users.change(u.id, (x) => ({ ...x, role: 'host' }));
    const created = await call(`${base}/api/sessions`, ca, { method: 'POST', headers: json(host), body: JSON.stringify({
      workshop: 'demo-install', title: 'Through nginx', startsAt: new Date().toISOString(), durationMinutes: 60, capacity: 50,
    }) });
    expect(created.status).toBe(201);
    const { id, code } = created.json() as { id: string; code: string };
    const people = await Promise.all(['ana-proxy', 'ben-proxy', 'cleo-proxy', 'dev-proxy'].map(apiUser));
    const servedBefore = [served(a), served(b)];

    const dashboard = await openSse(base, `/api/sessions/${id}/events`, { authorization: `Bearer ${host}` }, ca);
    streams.push(dashboard);
    expect(dashboard.status).toBe(200);
    for (const token of people) {
      expect((await call(`${base}/api/sessions/join`, ca, { method: 'POST', headers: json(token), body: JSON.stringify({ code }) })).status).toBe(201);
    }
    await dashboard.next((e) => e.event === 'participant' && e.data.includes('dev-proxy'));
    const mine = await openSse(base, `/api/sessions/${id}/my-events`, { authorization: `Bearer ${people[0]}` }, ca);
    streams.push(mine);
    await mine.next((e) => e.event === 'room');

    const latencies: number[] = [];
    for (let i = 0; i < 8; i++) {
      const token = people[i % people.length]!;
      const note = `proxy-stuck-${i}`;
      const sent = performance.now();
      expect((await call(`${base}/api/sessions/${id}/stuck`, ca, { method: 'POST', headers: json(token), body: JSON.stringify({ note }) })).status).toBe(200);
      await dashboard.next((e) => e.event === 'participant' && e.data.includes(note), 1000);
      latencies.push(performance.now() - sent);
    }
    expect(Math.max(...latencies)).toBeLessThan(250);
    // Both instances served part of it (no sticky sessions).
    expect(served(a)).toBeGreaterThan(servedBefore[0]!);
    expect(served(b)).toBeGreaterThan(servedBefore[1]!);

    // The dashboard drops and reconnects (to whichever instance nginx picks): it gets exactly what it missed.
    const last = Math.max(...dashboard.events.filter((e) => e.id).map((e) => Number(e.id)));
    dashboard.close();
    for (const text of ['break', 'back at 11']) {
      expect((await call(`${base}/api/sessions/${id}/announcements`, ca, { method: 'POST', headers: json(host), body: JSON.stringify({ text }) })).status).toBe(201);
    }
    await mine.next((e) => e.event === 'announcement' && e.data.includes('back at 11'));
    for (let round = 0; round < 2; round++) {
      const again = await openSse(base, `/api/sessions/${id}/events`, { authorization: `Bearer ${host}`, 'last-event-id': String(last) }, ca);
      streams.push(again);
      await again.next((e) => e.event === 'announcement' && e.data.includes('back at 11'));
      expect(again.events.filter((e) => e.id).map((e) => Number(e.id))).toEqual([last + 1, last + 2]);
      again.close();
    }

    const end = await call(`${base}/api/sessions/${id}/end`, ca, { method: 'POST', headers: json(host) });
    expect(end.status).toBe(200);
    await Promise.race([mine.ended, new Promise((_, fail) => setTimeout(() => fail(new Error('the participant stream did not close')), 3000))]);
  });
});
