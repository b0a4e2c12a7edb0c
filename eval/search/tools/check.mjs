#!/usr/bin/env node
// Checks eval/search/queries.yml and prints what it holds.
//
//   node eval/search/tools/check.mjs               # check; exit 1 on any problem
//   node eval/search/tools/check.mjs --write-split # (re)write every `split:` line from the rule below
//
// The split rule (fixed before any tuning): within each kind, queries are ordered by
// sha256("onramp-search-eval/v1:" + id) and the first round(n / 3) are `heldout`, the rest `tune`.
// It depends only on the id, so adding a query moves at most one other query of its kind across.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const evalDir = resolve(here, '..');
const repo = resolve(evalDir, '..', '..');
const queriesPath = join(evalDir, 'queries.yml');
const faqDir = join(repo, 'seed', 'faq');

export const KINDS = ['typed', 'error-line', 'alarm-rows', 'short-paste', 'long-scrollback', 'off-topic'];
export const SPLIT_SALT = 'onramp-search-eval/v1:';

export function splitFor(queries) {
  const out = new Map();
  for (const kind of KINDS) {
    const ids = queries.filter((q) => q.kind === kind).map((q) => q.id);
    const ranked = ids
      .map((id) => [createHash('sha256').update(SPLIT_SALT + id).digest('hex'), id])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const held = Math.round(ids.length / 3);
    ranked.forEach(([, id], i) => out.set(id, i < held ? 'heldout' : 'tune'));
  }
  return out;
}

function main() {
  const text = readFileSync(queriesPath, 'utf8');
  const queries = parse(text);
  const problems = [];
  const entries = new Set(readdirSync(faqDir).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)));

  if (!Array.isArray(queries)) throw new Error('queries.yml must be a YAML list');
  const seen = new Set();
  for (const q of queries) {
    const where = q && q.id ? q.id : JSON.stringify(q).slice(0, 60);
    if (!q || typeof q.id !== 'string' || !/^q\d{3}$/.test(q.id)) problems.push(`${where}: id must look like q123`);
    if (seen.has(q.id)) problems.push(`${where}: duplicate id`);
    seen.add(q.id);
    if (!KINDS.includes(q.kind)) problems.push(`${where}: unknown kind ${q.kind}`);
    if (!['tune', 'heldout'].includes(q.split)) problems.push(`${where}: split must be tune or heldout`);
    const hasText = typeof q.text === 'string' && q.text.length > 0;
    const hasFile = typeof q.file === 'string' && q.file.length > 0;
    if (hasText === hasFile) problems.push(`${where}: exactly one of text and file`);
    if (hasFile) {
      const p = join(evalDir, q.file);
      if (!existsSync(p)) problems.push(`${where}: file ${q.file} does not exist`);
      else if (q.kind === 'long-scrollback') {
        const size = statSync(p).size;
        if (size < 4096 || size > 20480) problems.push(`${where}: ${q.file} is ${size} bytes, not 4-20 KB`);
      }
    }
    if (q.kind === 'long-scrollback' && !hasFile) problems.push(`${where}: long scrollbacks live in files`);
    if (!Array.isArray(q.expect)) problems.push(`${where}: expect must be a list`);
    else {
      for (const id of q.expect) if (!entries.has(id)) problems.push(`${where}: expect ${id} is not seed/faq/${id}.md`);
      if (new Set(q.expect).size !== q.expect.length) problems.push(`${where}: expect repeats an entry`);
      if (q.kind === 'off-topic' && q.expect.length > 0) problems.push(`${where}: off-topic expects []`);
      if (q.kind !== 'off-topic' && q.expect.length === 0) problems.push(`${where}: on-topic query with no expected entry`);
    }
  }

  const rule = splitFor(queries);
  if (process.argv.includes('--write-split')) {
    let current = null;
    const lines = text.split('\n').map((line) => {
      const m = /^- id: (q\d{3})\s*$/.exec(line);
      if (m) current = m[1];
      if (current && /^ {2}split: /.test(line)) return `  split: ${rule.get(current)}`;
      return line;
    });
    writeFileSync(queriesPath, lines.join('\n'));
    console.log('split lines rewritten from the rule');
    return;
  }
  for (const q of queries) {
    if (rule.get(q.id) !== q.split) problems.push(`${q.id}: split is ${q.split}, the rule says ${rule.get(q.id)}`);
  }

  // summary
  const rows = KINDS.map((kind) => {
    const qs = queries.filter((q) => q.kind === kind);
    return [kind, qs.length, qs.filter((q) => q.split === 'tune').length, qs.filter((q) => q.split === 'heldout').length];
  });
  console.log('kind              total  tune  heldout');
  for (const [k, n, t, h] of rows) console.log(`${k.padEnd(16)} ${String(n).padStart(6)} ${String(t).padStart(5)} ${String(h).padStart(8)}`);
  console.log(`${'all'.padEnd(16)} ${String(queries.length).padStart(6)} ${String(rows.reduce((a, r) => a + r[2], 0)).padStart(5)} ${String(rows.reduce((a, r) => a + r[3], 0)).padStart(8)}`);
  const covered = new Map();
  for (const q of queries) for (const id of q.expect || []) covered.set(id, (covered.get(id) || 0) + 1);
  const firsts = new Set(queries.filter((q) => q.expect && q.expect.length).map((q) => q.expect[0]));
  console.log(`entries: ${entries.size}; expected somewhere: ${covered.size}; expected first somewhere: ${firsts.size}`);
  const missing = [...entries].filter((e) => !covered.has(e));
  if (missing.length) console.log(`never expected: ${missing.join(', ')}`);

  if (problems.length) {
    console.error(problems.map((p) => `problem: ${p}`).join('\n'));
    process.exit(1);
  }
  console.log('ok');
}

main();
