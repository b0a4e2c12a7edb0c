import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { writeFileDurably } from './durable-file.ts';
import { StoreCorruptError } from './store-errors.ts';

export interface ShardData {
  format: 'onramp-shard';
  version: 1;
  collection: string;
  shard: number;
  /** Key and the record's JSON text. */
  records: [string, string][];
}

function lineOf(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error).message));
  if (!m) return '';
  const line = text.slice(0, Number(m[1])).split('\n').length;
  return ` at line ${line}`;
}

/** Parses and checks a shard's text; any doubt is a StoreCorruptError naming the file. */
export function parseShard(path: string, text: string, collection: string, shard: number): ShardData {
  if (text.length === 0) throw new StoreCorruptError(path, 'the file is empty');
  if (/^\0+$/.test(text.slice(0, 64))) throw new StoreCorruptError(path, 'the file is filled with NUL bytes');
  let data: ShardData;
  try {
    data = JSON.parse(text) as ShardData;
  } catch (err) {
    throw new StoreCorruptError(path, `invalid JSON${lineOf(text, err)} (${(err as Error).message})`);
  }
  if (data?.format !== 'onramp-shard' || data.version !== 1 || !Array.isArray(data.records)) {
    throw new StoreCorruptError(path, 'not an Onramp data shard');
  }
  if (data.collection !== collection || data.shard !== shard) {
    throw new StoreCorruptError(path, `holds ${data.collection}#${data.shard}, expected ${collection}#${shard}`);
  }
  const records = data.records as unknown as [string, unknown][];
  for (const rec of records) {
    if (!Array.isArray(rec) || typeof rec[0] !== 'string' || rec[1] === null || typeof rec[1] !== 'object') {
      throw new StoreCorruptError(path, 'a record is malformed');
    }
  }
  // The store keeps each record as JSON text: take it from the file rather than serializing every
  // value again (that was half of loading the store at start-up).
  data.records = recordTexts(text, records) ?? records.map(([k, v]) => [k, JSON.stringify(v)]);
  return data;
}

const RECORDS = '"records":[\n';

/**
 * The records' text as the file holds it, when the file is laid out as `write` lays it out: one
 * record per line, `[key,value]`, each line but the last ending with a comma, the last with `]}`,
 * then the end of the file. Undefined for any other layout (a file written by hand, say). The file
 * was parsed as a whole first, so each value's text is valid JSON.
 */
function recordTexts(text: string, records: [string, unknown][]): [string, string][] | undefined {
  const start = text.indexOf(RECORDS);
  if (start < 0) return undefined;
  const out: [string, string][] = new Array(records.length);
  let at = start + RECORDS.length;
  for (let i = 0; i < records.length; i++) {
    const end = text.indexOf('\n', at);
    if (end < 0) return undefined;
    const last = i === records.length - 1;
    const tail = last ? ']]}' : '],';
    const key = records[i]![0];
    const head = `[${JSON.stringify(key)},`;
    if (!text.startsWith(head, at) || text.slice(end - tail.length, end) !== tail) return undefined;
    out[i] = [key, text.slice(at + head.length, end - tail.length)];
    at = end + 1;
  }
  return at === text.length ? out : undefined;
}

/**
 * lowdb adapter for one shard: compact JSON, read strictly, written through writeFileDurably so
 * the file is never half-written. A missing file reads as null (a new, empty shard).
 */
class ShardAdapter implements Adapter<ShardData> {
  constructor(
    private readonly path: string,
    private readonly collection: string,
    private readonly shard: number,
  ) {}

  async read(): Promise<ShardData | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreCorruptError(this.path, (err as Error).message);
    }
    return parseShard(this.path, text, this.collection, this.shard);
  }

  /** Records are already JSON text, so the file is assembled, not serialized again. */
  async write(data: ShardData): Promise<void> {
    const head = JSON.stringify({ format: data.format, version: data.version, collection: data.collection, shard: data.shard });
    const body = data.records.map(([k, s]) => `[${JSON.stringify(k)},${s}]`).join(',\n');
    await writeFileDurably(this.path, `${head.slice(0, -1)},"records":[\n${body}]}\n`);
  }
}

export const shardPath = (dir: string, collection: string, shard: number) => join(dir, `${collection}.${String(shard).padStart(2, '0')}.json`);

export function openShard(path: string, collection: string, shard: number): Low<ShardData> {
  const empty: ShardData = { format: 'onramp-shard', version: 1, collection, shard, records: [] };
  return new Low<ShardData>(new ShardAdapter(path, collection, shard), empty);
}
