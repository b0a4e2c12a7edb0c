import { describe, it, expect } from 'vitest';
import { tempDir } from '../support/temp.ts';
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServerProcess, killed } from '../support/server-process.ts';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);

async function json(url: string, method: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

describe('durability under SIGKILL', () => {
  it(`when the server is killed at random moments ${ROUNDS} times, then every acknowledged write survives and the files parse`, async () => {
    const dir = tempDir('crash');
    const learners: { name: string; token: string; acked: number }[] = [];
    let srv = await startServerProcess(dir);
    for (let i = 0; i < 4; i++) {
      const name = `crash${i}`;
      await json(`${srv.url}/api/users`, 'POST', { username: name, password: 'crash test password' });
      const tok = await json(`${srv.url}/api/tokens`, 'POST', { username: name, password: 'crash test password', name: 't' });
      learners.push({ name, token: tok.body.token, acked: 0 });
    }
    let signups: string[] = [];
    let totalAcked = 0;

    for (let round = 0; round < ROUNDS; round++) {
      if (round > 0) srv = await startServerProcess(dir);
      // What the last round acknowledged must be here now.
      for (const l of learners) {
        const p = await json(`${srv.url}/api/me/progress/demo-install`, 'GET', undefined, l.token);
        expect(p.status).toBe(200);
        expect(p.body.steps.unlock?.checkpoint?.attempts ?? 0).toBeGreaterThanOrEqual(l.acked);
      }
      for (const username of signups) {
        expect((await json(`${srv.url}/api/users`, 'POST', { username, password: 'crash test password' })).status).toBe(409);
      }
      signups = [];

      let stop = false;
      const writers = learners.map(async (l) => {
        while (!stop) {
          const r = await json(`${srv.url}/api/me/progress/demo-install/unlock/checkpoint`, 'POST', { output: `attempt ${l.acked}` }, l.token).catch(() => null);
          if (r?.status === 200) {
            l.acked += 1;
            totalAcked += 1;
          }
          if (!r) break;
        }
      });
      const signer = (async () => {
        for (let i = 0; !stop; i++) {
          const username = `r${round}u${i}`;
          const r = await json(`${srv.url}/api/users`, 'POST', { username, password: 'crash test password' }).catch(() => null);
          if (r?.status === 201) signups.push(username);
          if (!r) break;
        }
      })();
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 450));
      await killed(srv.child, 'SIGKILL');
      stop = true;
      await Promise.all([...writers, signer]);

      // The files on disk parse on their own, whatever moment the kill hit.
      const storeDir = join(dir, 'store');
      for (const name of readdirSync(storeDir).filter((n) => n.endsWith('.json'))) {
        expect(() => JSON.parse(readFileSync(join(storeDir, name), 'utf8'))).not.toThrow();
        expect(statSync(join(storeDir, name)).mode & 0o077).toBe(0);
      }
    }
    srv = await startServerProcess(dir);
    for (const l of learners) {
      const p = await json(`${srv.url}/api/me/progress/demo-install`, 'GET', undefined, l.token);
      expect(p.body.steps.unlock.checkpoint.attempts).toBeGreaterThanOrEqual(l.acked);
    }
    await killed(srv.child, 'SIGTERM');
    expect(totalAcked).toBeGreaterThan(ROUNDS);
  }, 180_000);

  it('when a data file is corrupt at start-up, then the server refuses to start, says which file, and leaves it as it was', async () => {
    const dir = tempDir('corrupt');
    const srv = await startServerProcess(dir);
    await json(`${srv.url}/api/users`, 'POST', { username: 'keeper', password: 'crash test password' });
    await killed(srv.child, 'SIGTERM');
    const file = join(dir, 'store', readdirSync(join(dir, 'store')).find((n) => n.startsWith('users.') && n.endsWith('.json'))!);
    const half = readFileSync(file, 'utf8').slice(0, 40);
    writeFileSync(file, half);
    const err = (await startServerProcess(dir).catch((e) => e)) as { code: number; output: string };
    expect(err.code).toBe(1);
    expect(err.output).toContain('did not start');
    expect(err.output).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(half);
  }, 60_000);

  it('when a second server starts on the same data folder, then it refuses', async () => {
    const dir = tempDir('lock');
    const first = await startServerProcess(dir);
    const err = (await startServerProcess(dir).catch((e) => e)) as { code: number; output: string };
    expect(err.code).toBe(1);
    expect(err.output).toMatch(/in use by another Onramp process/);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await killed(first.child, 'SIGTERM');
  }, 60_000);

  it('when the server is told to stop (SIGTERM) during writes with a live stream open, then requests in flight are answered, the stream ends, nothing acknowledged is lost, and it exits well within its deadline', async () => {
    const dir = tempDir('sigterm');
    let srv = await startServerProcess(dir, { SHUTDOWN_TIMEOUT_SECONDS: '5', LOG_FORMAT: 'json' });
    const learners: { token: string; acked: number }[] = [];
    for (let i = 0; i < 3; i++) {
      await json(`${srv.url}/api/users`, 'POST', { username: `term${i}`, password: 'crash test password' });
      const tok = await json(`${srv.url}/api/tokens`, 'POST', { username: `term${i}`, password: 'crash test password', name: 't' });
      learners.push({ token: tok.body.token, acked: 0 });
    }
    // A learner's open step page: its verdict stream would keep the server busy forever if it were not ended.
    const stream = await fetch(`${srv.url}/api/me/events?workshop=demo-install&step=unlock`, { headers: { authorization: `Bearer ${learners[0]!.token}`, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    const streamEnded = stream.body!.pipeTo(new WritableStream()).then(() => 'ended', () => 'ended');

    const statuses: number[] = [];
    let refused = 0;
    const writers = learners.map(async (l) => {
      for (let n = 0; n < 10_000; n++) {
        const r = await json(`${srv.url}/api/me/progress/demo-install/unlock/checkpoint`, 'POST', { output: `attempt ${n}` }, l.token).catch(() => null);
        if (!r) {
          refused += 1;
          return;
        }
        statuses.push(r.status);
        if (r.status === 200) l.acked += 1;
      }
    });
    await new Promise((r) => setTimeout(r, 400));
    const exited = new Promise<number | null>((resolve) => srv.child.once('exit', (code) => resolve(code)));
    const t0 = Date.now();
    srv.child.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - t0;
    await Promise.all(writers);

    expect(code).toBe(0);
    expect(tookMs).toBeLessThan(5000); // the stream was ended, not waited out to the deadline
    expect(await streamEnded).toBe('ended');
    expect(statuses.filter((s) => s >= 500)).toEqual([]); // in flight: answered, not failed
    expect(refused).toBe(learners.length); // afterwards: new requests find nobody listening
    expect(srv.output()).toContain('"msg":"stopped in');

    srv = await startServerProcess(dir);
    for (const l of learners) {
      expect(l.acked).toBeGreaterThan(0);
      const p = await json(`${srv.url}/api/me/progress/demo-install`, 'GET', undefined, l.token);
      expect(p.body.steps.unlock.checkpoint.attempts).toBe(l.acked);
    }
    await killed(srv.child, 'SIGTERM');
  }, 60_000);
});
