import { open, readFile, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { StoreCorruptError } from './store-errors.ts';

/** One change: put `v` under key `k` of collection `c`, or delete the key when `v` is null. */
export interface Op {
  c: string;
  k: string;
  v: unknown;
}

const JOURNAL_RE = /^journal-(\d{8})\.log$/;

export function journalName(gen: number): string {
  return `journal-${String(gen).padStart(8, '0')}.log`;
}

export async function listJournalGens(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => JOURNAL_RE.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/**
 * Encodes one batch as one line: `<crc32 hex> <json>\n`, from values serialized once (`s`, or null
 * for a delete). A batch is durable once its line is synced.
 */
export function encodeBatch(ops: { c: string; k: string; s: string | null }[]): Buffer {
  const json = `[${ops.map((op) => `{"c":${JSON.stringify(op.c)},"k":${JSON.stringify(op.k)},"v":${op.s ?? 'null'}}`).join(',')}]`;
  const crc = crc32(json).toString(16).padStart(8, '0');
  return Buffer.from(`${crc} ${json}\n`, 'utf8');
}

export interface ReplayResult {
  batches: Op[][];
  /** Bytes of an unterminated last line: a batch whose write never completed, so never acknowledged. */
  tornTailBytes: number;
  validBytes: number;
}

/**
 * Reads a journal. Only an unterminated final line is tolerated (a crash mid-append); a complete line
 * that fails its checksum means the file was damaged, and start-up must stop rather than guess.
 */
export async function readJournal(path: string): Promise<ReplayResult> {
  const buf = await readFile(path);
  const batches: Op[][] = [];
  let pos = 0;
  let lineNo = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl === -1) break;
    lineNo += 1;
    const line = buf.subarray(pos, nl).toString('utf8');
    const space = line.indexOf(' ');
    const crc = line.slice(0, space);
    const json = line.slice(space + 1);
    if (space !== 8 || crc32(json).toString(16).padStart(8, '0') !== crc) {
      throw new StoreCorruptError(path, `line ${lineNo}: checksum mismatch (the journal was damaged)`);
    }
    const ops = JSON.parse(json) as Op[];
    if (!Array.isArray(ops)) throw new StoreCorruptError(path, `line ${lineNo}: not a batch`);
    batches.push(ops);
    pos = nl + 1;
  }
  return { batches, tornTailBytes: buf.length - pos, validBytes: pos };
}

/** The append side of the current journal generation. */
export class JournalWriter {
  private constructor(
    private handle: FileHandle,
    public size: number,
  ) {}

  static async open(dir: string, gen: number): Promise<JournalWriter> {
    const handle = await open(join(dir, journalName(gen)), 'a', 0o600);
    const { size } = await handle.stat();
    return new JournalWriter(handle, size);
  }

  /** Appends and syncs; on failure cuts the file back so no half batch is left behind. */
  async append(buf: Buffer): Promise<void> {
    try {
      await this.handle.write(buf, 0, buf.length, null);
      await this.handle.datasync();
      this.size += buf.length;
    } catch (err) {
      await this.handle.truncate(this.size).catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
