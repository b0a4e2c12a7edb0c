import { describe, it, expect, afterEach } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, lockOwner } from '../../src/lib/store/lock.ts';
import { StoreLockedError } from '../../src/lib/store/store-errors.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HOLDER = join(ROOT, 'test', 'fixtures', 'lock', 'hold-lock.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'onramp-lock-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Starts `command`, resolves with its first line of output (the holder says whether it got the lock). */
function start(command: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, line: out.split('\n')[0]! });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => (out.includes('\n') ? undefined : reject(new Error(`${command} exited ${code}: ${err}`))));
  });
}
const hold = (dir: string, wrapper: string[] = []) => (wrapper.length ? start(wrapper[0]!, [...wrapper.slice(1), process.execPath, '--import', 'tsx', HOLDER, dir]) : start(process.execPath, ['--import', 'tsx', HOLDER, dir]));
const exited = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));

describe('store lock', () => {
  it('when the folder is taken in this process, then a second taker gets StoreLockedError naming this pid, and after release it can take it', async () => {
    const dir = tmp();
    const release = await acquireLock(dir);
    expect(readFileSync(join(dir, 'onramp.lock'), 'utf8')).toBe(`${process.pid}\n`);
    const err = await acquireLock(dir).catch((e) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(await lockOwner(dir)).toBe(process.pid);
    await release();
    expect(await lockOwner(dir)).toBeUndefined();
    await (await acquireLock(dir))();
  });

  it('when a pid file names this very process (a restart that got the dead server\'s pid), then it does not stop start-up', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'onramp.lock'), String(process.pid));
    const release = await acquireLock(dir);
    await release();
  });

  it('when another live process holds the folder, then it refuses and names it; once that process is killed with SIGKILL, the folder can be taken', async () => {
    const dir = tmp();
    const first = await hold(dir);
    expect(first.line).toBe(`locked as pid ${first.child.pid}`);
    const err = await acquireLock(dir).catch((e) => e);
    expect(err).toBeInstanceOf(StoreLockedError);
    expect(err.message).toContain(`pid ${first.child.pid}`);
    first.child.kill('SIGKILL');
    await exited(first.child);
    await (await acquireLock(dir))();
  }, 30_000);

  it('when several servers start at once on a folder whose owner was killed, then exactly one takes it', async () => {
    const dir = tmp();
    const dead = await hold(dir);
    dead.child.kill('SIGKILL');
    await exited(dead.child);
    const lines = (await Promise.all([hold(dir), hold(dir), hold(dir), hold(dir)])).map((h) => h.line);
    expect(lines.filter((l) => l.startsWith('locked'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('refused') && l.includes('StoreLockedError'))).toHaveLength(3);
  }, 30_000);

  // In a container the restarted server is PID 1 again. `unshare` gives each run a PID namespace of
  // its own, in which the holder is PID 1, as a container's entry point is.
  const unshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
  it.skipIf(unshare.status !== 0)('when a server running as PID 1 is killed with SIGKILL, then the next one, PID 1 again, takes the folder' + (unshare.status !== 0 ? ' (skipped: unshare --pid needs root and util-linux)' : ''), async () => {
    const dir = tmp();
    const wrapper = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
    const first = await hold(dir, wrapper);
    expect(first.line).toBe('locked as pid 1');
    // SIGKILL the holder itself (PID 1 in its namespace) from outside it.
    const holderPid = Number(readFileSync(`/proc/${first.child.pid}/task/${first.child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(holderPid, 'SIGKILL');
    await exited(first.child);
    const second = await hold(dir, wrapper);
    expect(second.line).toBe('locked as pid 1');
    // And while it lives, a third server, PID 1 in yet another namespace, is refused.
    const third = await hold(dir, wrapper).catch((e) => ({ line: String(e) }));
    expect(third.line).toMatch(/^refused as pid 1: StoreLockedError: .*in use by another Onramp process \(pid 1\)/);
  }, 60_000);
});
