import { connect, createServer, type Server } from 'node:net';
import { chmod, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { StoreLockedError } from './store-errors.ts';

/**
 * One process per data folder: two writers on the same files corrupt them.
 *
 * The lock is a Unix socket in the folder that the owner listens on. The kernel closes it when the
 * process ends, however it ends (SIGKILL, OOM), so a lock can only be held by a live process: a new
 * process finds the socket file with nobody listening, removes it and takes the lock. A PID cannot
 * tell that: in a container the restarted server is PID 1 again, as the dead one was, and a PID file
 * made start-up refuse forever. Nor is the socket fooled by PID namespaces: two containers that share
 * the volume reach the same socket, so the second one refuses.
 *
 * `onramp.lock` beside it holds the owner's pid, for people and for `npm run backup`; it is not what
 * decides who holds the folder.
 */
const SOCKET = 'onramp.sock';
const PID_FILE = 'onramp.lock';
/** Taking over a stale socket happens under this file, so two starting processes cannot both do it. */
const TAKEOVER = 'onramp.sock.takeover';
/** A takeover takes microseconds; a takeover file older than this was left by a process that died in it. */
const TAKEOVER_STALE_MS = 10_000;
/** sun_path is 108 bytes on Linux, 104 on macOS. */
const SOCKET_PATH_MAX = 100;

const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code;

function socketPath(dir: string): string {
  const full = join(dir, SOCKET);
  if (Buffer.byteLength(full) <= SOCKET_PATH_MAX) return full;
  // The kernel resolves a relative socket path from the working directory, which the server never changes.
  const rel = relative(process.cwd(), full);
  if (Buffer.byteLength(rel) <= SOCKET_PATH_MAX) return rel;
  throw new Error(`The data folder path ${dir} is too long for its lock socket; use a shorter DATA_DIR.`);
}

function listen(path: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Whoever connects learns the owner's pid, for the error message.
    const server = createServer((socket) => socket.end(`${process.pid}\n`));
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      server.on('error', () => {});
      // The lock must not keep the process alive.
      server.unref();
      resolve(server);
    });
  });
}

/** Whether a live process listens on the socket, and its pid if it says so within a second. */
function probe(path: string): Promise<{ alive: false } | { alive: true; pid: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let data = '';
    let alive = false;
    const done = () => {
      socket.destroy();
      resolve({ alive: true, pid: Number.parseInt(data, 10) || 0 });
    };
    socket.setTimeout(1000, done);
    socket.on('connect', () => {
      alive = true;
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\n')) done();
    });
    socket.on('end', () => alive && done());
    socket.on('error', (err) => {
      socket.destroy();
      // Nobody listens (a dead owner, or the pid file of an older version left at the socket's name).
      if (!alive && ['ECONNREFUSED', 'ENOENT', 'ENOTSOCK'].includes(code(err) ?? '')) resolve({ alive: false });
      else if (alive) done();
      else reject(err);
    });
  });
}

/** Removes a socket nobody listens on; returns false if another process is taking it over. */
async function takeOver(dir: string, path: string): Promise<boolean> {
  const guard = join(dir, TAKEOVER);
  let handle;
  try {
    handle = await open(guard, 'wx', 0o600);
  } catch (err) {
    if (code(err) !== 'EEXIST') throw err;
    const age = Date.now() - (await stat(guard).then((s) => s.mtimeMs, () => Date.now()));
    if (age > TAKEOVER_STALE_MS) await unlink(guard).catch(() => {});
    return false;
  }
  try {
    // Under the guard nobody else removes the socket, so if it is still dead it is safe to remove.
    if (!(await probe(path)).alive) await unlink(path).catch((err) => (code(err) === 'ENOENT' ? undefined : Promise.reject(err)));
    return true;
  } finally {
    await handle.close();
    await unlink(guard).catch(() => {});
  }
}

async function writePidFile(dir: string): Promise<void> {
  const tmp = join(dir, `${PID_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, `${process.pid}\n`, { mode: 0o600 });
  await rename(tmp, join(dir, PID_FILE));
}

/** Takes the data folder for this process, or throws StoreLockedError; the function returned releases it. */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const path = socketPath(dir);
  for (let attempt = 0; attempt < 50; attempt++) {
    let server: Server;
    try {
      server = await listen(path);
    } catch (err) {
      if (code(err) !== 'EADDRINUSE') {
        throw new Error(`Cannot create the lock socket ${join(dir, SOCKET)} (${code(err) ?? (err as Error).message}); the data folder must be on a local filesystem that allows Unix sockets.`, { cause: err });
      }
      const owner = await probe(path);
      if (owner.alive) throw new StoreLockedError(dir, owner.pid);
      if (!(await takeOver(dir, path))) await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    try {
      // Like every file in the data folder, only the owner may use it.
      await chmod(path, 0o600);
      await writePidFile(dir);
    } catch (err) {
      await new Promise((r) => server.close(r));
      throw err;
    }
    return async () => {
      await unlink(join(dir, PID_FILE)).catch(() => {});
      // Closing the server also removes the socket file.
      await new Promise((r) => server.close(r));
    };
  }
  throw new Error(`Could not take the lock on ${dir}: another process keeps taking it over.`);
}

/** The pid of the live process that holds the folder, if any (for `npm run backup`). */
export async function lockOwner(dir: string): Promise<number | undefined> {
  const owner = await probe(socketPath(dir)).catch(() => ({ alive: false as const }));
  return owner.alive ? owner.pid || undefined : undefined;
}
