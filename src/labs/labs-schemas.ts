import { isIP } from 'node:net';
import { lazy } from '../lib/lazy.ts';
import { z } from 'zod';
import { fieldErrors, isSlug, singleLineText } from '../lib/validate.ts';
import { readCsv, CsvError } from './lab-csv.ts';
import type { LabInput } from './labs-types.ts';

/** Caps: a pool is a room's worth of machines; a CSV of that many rows with keys stays well under the paste limit. */
export const LAB_LIMITS = { pool: 300, name: 60, notes: 300, password: 200, privateKey: 16 * 1024, csv: 200 * 1024 };

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const USERNAME = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

const ssh2 = lazy<typeof import('ssh2')>('ssh2');

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(t: T) => z.preprocess(blankToUndefined, t.optional());

/** A private key Onramp can use: OpenSSH or PEM, and not protected by a passphrase (nobody would be there to type it). */
function keyProblem(text: string): string | undefined {
  const parsed = ssh2().utils.parseKey(text);
  if (parsed instanceof Error) {
    return /passphrase/i.test(parsed.message)
      ? 'This key is protected by a passphrase. Give a key without one, made for this workshop.'
      : 'This is not a private key Onramp can read (OpenSSH or PEM format).';
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) return 'This is a public key; give the private key.';
  return undefined;
}

const fields = {
  name: singleLineText(LAB_LIMITS.name, 1),
  host: z
    .string()
    .trim()
    .max(253)
    .refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), 'Give a host name or an IP address (without a port).'),
  port: z.preprocess((v) => blankToUndefined(v) ?? 22, z.coerce.number({ error: 'Give a port number.' }).int('Give a port number.').min(1, 'Ports go from 1 to 65535.').max(65535, 'Ports go from 1 to 65535.')),
  username: z.string().trim().regex(USERNAME, 'Give a login name (letters, digits, . _ -).'),
  password: optional(z.string().max(LAB_LIMITS.password, `A password of at most ${LAB_LIMITS.password} characters.`).regex(/^[^\u0000-\u001f\u007f]*$/, 'A password on one line.')),
  privateKey: optional(z.string().max(LAB_LIMITS.privateKey, 'This key is too long.').transform((k) => k.replace(/\r\n?/g, '\n').trim() + '\n').superRefine((k, ctx) => {
    const problem = keyProblem(k);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })),
  hostKey: optional(z.string().trim().regex(FINGERPRINT, 'A fingerprint looks like SHA256:… (43 characters), as ssh-keygen -l prints it.')),
  consoleUrl: optional(z.string().trim().max(500).url('Give the address of the console (https://…).').refine((u) => /^https?:\/\//i.test(u), 'Give an http:// or https:// address.')),
  notes: optional(singleLineText(LAB_LIMITS.notes)),
};

const oneSecret = (l: { password?: string; privateKey?: string }, ctx: z.RefinementCtx) => {
  if (!l.password && !l.privateKey) ctx.addIssue({ code: 'custom', path: ['password'], message: 'Give a password or a private key.' });
  if (l.password && l.privateKey) ctx.addIssue({ code: 'custom', path: ['password'], message: 'Give a password or a private key, not both.' });
};

/** One lab from the form (or the API); the type is what the service takes. */
export const LabBody = z.strictObject({ ...fields, _csrf: z.string().optional() }).superRefine(oneSecret);

export const toLabInput = (b: z.output<typeof LabBody>): LabInput => {
  const { _csrf, ...rest } = b;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as unknown as LabInput;
};

/** The CSV's columns (the header row names them, in any order) and the fields they fill. */
export const CSV_COLUMNS = { name: 'name', address: 'host', port: 'port', username: 'username', password: 'password', private_key: 'privateKey', host_key: 'hostKey', console_url: 'consoleUrl', notes: 'notes' } as const;

/**
 * The labs of a CSV (a header row, then one lab per row), or what is wrong, each problem with its line
 * and column. Nothing is loaded unless every row is right.
 */
export function labsFromCsv(text: string): { labs: LabInput[]; problems: string[] } {
  let rows;
  try {
    rows = readCsv(text);
  } catch (err) {
    if (err instanceof CsvError) return { labs: [], problems: [err.message] };
    throw err;
  }
  const [header, ...body] = rows;
  if (!header) return { labs: [], problems: ['The CSV is empty: it needs a header row and one row per lab.'] };
  const columns = header.cells.map((c) => c.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const unknown = columns.filter((c) => !(c in CSV_COLUMNS));
  const missing = ['name', 'address', 'username'].filter((c) => !columns.includes(c));
  const problems: string[] = [];
  if (unknown.length) problems.push(`line 1: unknown column(s) ${unknown.join(', ')}; the columns are ${Object.keys(CSV_COLUMNS).join(', ')}`);
  if (missing.length) problems.push(`line 1: missing column(s) ${missing.join(', ')}`);
  if (problems.length) return { labs: [], problems };
  if (body.length === 0) problems.push('The CSV has a header row but no labs.');
  if (body.length > LAB_LIMITS.pool) problems.push(`At most ${LAB_LIMITS.pool} labs in a pool.`);
  const labs: LabInput[] = [];
  for (const row of body.slice(0, LAB_LIMITS.pool)) {
    if (row.cells.length !== columns.length) {
      problems.push(`line ${row.line}: ${row.cells.length} fields where the header has ${columns.length}`);
      continue;
    }
    const record: Record<string, string> = Object.create(null);
    columns.forEach((c, i) => (record[CSV_COLUMNS[c as keyof typeof CSV_COLUMNS]] = row.cells[i]!));
    const parsed = LabBody.safeParse(record);
    if (!parsed.success) {
      const csvName = (field: string) => Object.entries(CSV_COLUMNS).find(([, f]) => f === field)?.[0] ?? field;
      for (const [field, message] of Object.entries(fieldErrors(parsed.error))) problems.push(`line ${row.line}, ${csvName(field)}: ${message}`);
    } else labs.push(toLabInput(parsed.data));
  }
  return { labs, problems };
}

export const ImportBody = z.strictObject({ csv: z.string().max(LAB_LIMITS.csv, 'The CSV is too long.'), _csrf: z.string().optional() });
export const CsrfOnly = z.strictObject({ _csrf: z.string().optional() });
export const AssignBody = z.strictObject({ userId: z.string().max(80), _csrf: z.string().optional() });
export const BrokenBody = z.strictObject({ broken: z.enum(['1', '0']), _csrf: z.string().optional() });
export const CheckBody = z.strictObject({ step: z.string().max(64).refine(isSlug, 'Unknown step.'), _csrf: z.string().optional() });
