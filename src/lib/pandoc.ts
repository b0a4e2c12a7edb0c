import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PandocDoc } from './pandoc-ast.ts';

/**
 * pandoc (Debian's `pandoc` package) through a child process: the converter between Markdown and
 * reStructuredText. It runs out of our process, so a slow conversion never holds the event loop, and
 * always with `--sandbox`: an RST `.. include::` (or any other reader or writer) cannot read a file of
 * the server. Each run has a time limit and an output cap, and at most two run at once.
 */

export class PandocError extends Error {
  constructor(
    message: string,
    readonly missing = false,
  ) {
    super(message);
    this.name = 'PandocError';
  }
}

export interface PandocRun {
  from: string;
  to: string;
  /** Lua filters, by absolute path. */
  filters?: string[];
  args?: string[];
  timeoutMs?: number;
}

/** Expands each `RawBlock` in format `gfm` by parsing it on its own (see the file). */
export const FRAGMENTS_FILTER = fileURLToPath(new URL('./pandoc-fragments.lua', import.meta.url));

const MAX_OUTPUT = 32 * 1024 * 1024;
const MAX_RUNNING = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  return () => {
    running -= 1;
    waiting.shift()?.();
  };
}

/** Runs pandoc on `input` and answers what it wrote; its warnings (stderr) are dropped unless it fails. */
export async function pandoc(input: string, run: PandocRun): Promise<string> {
  const release = await slot();
  try {
    return await spawnPandoc(input, run);
  } finally {
    release();
  }
}

function spawnPandoc(input: string, run: PandocRun): Promise<string> {
  const args = ['--sandbox', '-f', run.from, '-t', run.to, ...(run.filters ?? []).flatMap((f) => ['--lua-filter', f]), ...(run.args ?? [])];
  return new Promise((resolve, reject) => {
    const child = spawn('pandoc', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    let failed: PandocError | undefined;
    const fail = (e: PandocError) => {
      failed ??= e;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => fail(new PandocError(`pandoc took longer than ${(run.timeoutMs ?? 30_000) / 1000} s`)), run.timeoutMs ?? 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) fail(new PandocError('pandoc wrote more than 32 MB'));
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4096) err += chunk.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new PandocError('pandoc is not installed on this machine (Debian: apt-get install pandoc).', true) : e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failed) return reject(failed);
      if (code !== 0) return reject(new PandocError(`pandoc failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`));
      resolve(Buffer.concat(out).toString('utf8'));
    });
    // A pandoc that exits early (bad arguments) closes its input: the error is reported by 'close'.
    child.stdin.on('error', () => {});
    child.stdin.end(input, 'utf8');
  });
}

let apiVersion: Promise<number[]> | undefined;

/** The version of pandoc's JSON document format, which a document we build must carry. */
export function pandocApiVersion(): Promise<number[]> {
  apiVersion ??= pandoc('', { from: 'markdown', to: 'json' }).then((json) => (JSON.parse(json) as PandocDoc)['pandoc-api-version']);
  apiVersion.catch(() => (apiVersion = undefined));
  return apiVersion;
}

/** Reads text into pandoc's document tree. */
export async function readDoc(text: string, from: string, timeoutMs?: number): Promise<PandocDoc> {
  return JSON.parse(await pandoc(text, { from, to: 'json', timeoutMs })) as PandocDoc;
}

/** Writes a document tree in another format. */
export function writeDoc(doc: PandocDoc, to: string, args: string[] = []): Promise<string> {
  return pandoc(JSON.stringify(doc), { from: 'json', to, args });
}
