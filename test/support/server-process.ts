import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from './app.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Starts the real server (src/server.ts) in its own Node process — one process, so SIGKILL really
 * kills the store owner — and resolves once it says it is ready.
 */
export function startServerProcess(dataDir: string, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ServerProcess> {
  // vitest puts Vite's BASE_URL ('/') into process.env; the server must compute its own.
  const { BASE_URL: _viteBase, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', join(ROOT, 'src', 'server.ts')], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      CONTENT_DIR: join(FIXTURES, 'workshops'),
      SEED_DIR: join(FIXTURES, 'seed'),
      RATE_LIMIT_LOGIN: '100000',
      RATE_LIMIT_SIGNUP: '100000',
      BACKUP_INTERVAL_HOURS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      // A busy server logs a line per request: keep the start and the most recent output, not all of it.
      out += chunk.toString();
      if (out.length > 512 * 1024) out = out.slice(0, 64 * 1024) + '\n…\n' + out.slice(-256 * 1024);
      const m = /ready at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}:\n${out}`), { code, output: out }));
    });
  });
}

export function killed(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
