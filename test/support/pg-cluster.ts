import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';

/** A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (Debian's packages, no Docker). */
export interface PgCluster {
  port: number;
  dir: string;
  /** Address of a database of the cluster (as the superuser, trusted on loopback). */
  url(database: string): string;
  /** Fast stop (connections are cut) and start again on the same port: an outage the app must survive. */
  stop(): void;
  start(): void;
  destroy(): void;
}

/** The newest installed PostgreSQL's programs, or undefined (the PostgreSQL tests then say they are skipped). */
export function pgBin(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * initdb refuses to run as root, so as root the cluster belongs to Debian's `postgres` user (run
 * through runuser); otherwise to the current user. fsync is off (unless `durable`, for the benchmark):
 * a crash of the test machine loses nothing we need. Measured: initdb about 1.7 s, start 0.5 s.
 */
export async function startCluster(options: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = pgBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'onramp-pg-'));
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const run = (prog: string, args: string[]) => {
    const cmd = asRoot ? 'runuser' : join(bin, prog);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, prog), ...args] : args;
    const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${prog} failed: ${r.stderr || r.stdout}${existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : ''}`);
  };
  run('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const opts = [
    `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`,
    // The benchmark measures what production does: every commit flushed to disk.
    options.durable ? '-c max_connections=300 -c shared_buffers=256MB' : '-c fsync=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB',
  ].join(' ');
  const cluster: PgCluster = {
    port,
    dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: () => run('pg_ctl', ['-D', join(dir, 'data'), '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']),
    stop: () => run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', '-t', '30', 'stop']),
    destroy() {
      spawnSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), [...(asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []), '-D', join(dir, 'data'), '-m', 'immediate', 'stop'], { timeout: 30_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

/** Runs one statement as the superuser on the `postgres` database. */
export async function adminQuery(cluster: Pick<PgCluster, 'url'>, statement: string): Promise<void> {
  const sql = postgres(cluster.url('postgres'), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
