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
  // A busy server logs a line per request. Keep what it said until it was ready and the most recent
  // 256 KB after that, and look for its address only until it is found: scanning and copying the whole
  // kept output on every chunk cost the bench about half of its busy CPU, on the two cores it shares
  // with the server it measures.
  let head = '';
  const recent: string[] = [];
  let recentLength = 0;
  let dropped = false;
  const output = () => head + (dropped ? '\n…\n' : '') + recent.join('');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output()}`));
    }, timeoutMs);
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) {
        head += text;
        const m = /ready at (http:\/\/[^\s]+)/.exec(head);
        if (m) {
          ready = true;
          clearTimeout(timer);
          resolve({ child, url: m[1]!, output });
        }
        return;
      }
      recent.push(text);
      recentLength += text.length;
      while (recentLength > 256 * 1024 && recent.length > 1) {
        recentLength -= recent.shift()!.length;
        dropped = true;
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with ${code}:\n${output()}`), { code, output: output() }));
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
