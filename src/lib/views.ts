import ejs from 'ejs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The EJS engine for Express, with partials expanded once, when a view is compiled.
 *
 * A runtime `include()` costs a path resolution, a cache lookup and two copies of every local on
 * each call, and a step page makes five of them: about 40 µs, a sixth of the page. So
 * `<%- include('/partials/head') %>` is replaced by the partial's text before compiling, and
 * `<%- include('time', { iso: a.at }) %>` by a block that binds the data's names first
 * (`<% { const __partial = { iso: a.at }; { let { iso } = __partial; %>…<% } } %>`; data that is not an
 * object literal, such as a variable, gets `<% with (data) { %>…<% } %>`): either way the partial sees
 * the page's locals with its own data on top, as with a runtime include. Paths starting with `/` are
 * relative to the views folder, others to the including file.
 *
 * Views are compiled without `with (locals)`, which would make every name a dynamic lookup that V8
 * cannot optimize. The names a view may read are the names of the data it is rendered with (Express
 * merges app, response and render locals into one object): a view is compiled once per set of data keys,
 * and each of them is declared from the data up front (EJS's `destructuredLocals`). Nothing is guessed
 * from the template's code. A name that is not passed is not declared; test it with `typeof x !==
 * 'undefined'` (reading it bare throws, which catches a route that forgot a local).
 *
 * Rules this implies: partials have no top-level `var` (it would be shared with the page; `let` and
 * `const` are scoped to the partial's block); includes are written in that one form, which expanding
 * checks. Every view is compiled once when the engine is made, so a broken template fails start-up
 * (and the tests), naming its file. A runtime error is reported at the line of the file it is in, the
 * partial's own when it happened in a partial.
 */
const INCLUDE = /<%-\s*include\(\s*(['"])([^'"]+)\1\s*(?:,\s*([\s\S]*?))?\)\s*%>/g;

/** Where a line of expanded text came from. */
export interface Origin {
  file: string;
  line: number;
}

export interface Expanded {
  text: string;
  /** origins[i] is the source of line i + 1 of `text`. */
  origins: Origin[];
}

/** Appends `chunk` (whose first line continues the current output line) and records where new lines come from. */
function append(out: Expanded, chunk: string, origin: (k: number) => Origin): void {
  const pieces = chunk.split('\n');
  out.text += pieces[0];
  for (let k = 1; k < pieces.length; k++) {
    out.text += `\n${pieces[k]}`;
    out.origins.push(origin(k));
  }
}

export function expandIncludes(file: string, root: string, stack: string[] = []): Expanded {
  if (stack.includes(file)) throw new Error(`${file}: includes itself (${[...stack, file].map((f) => relative(root, f)).join(' → ')})`);
  const text = readFileSync(file, 'utf8');
  const out: Expanded = { text: '', origins: [{ file, line: 1 }] };
  let at = 0;
  let line = 1;
  for (const m of text.matchAll(INCLUDE)) {
    const before = text.slice(at, m.index);
    append(out, before, (k) => ({ file, line: line + k }));
    line += before.split('\n').length - 1;
    const [tag, , name, data] = m as unknown as [string, string, string, string | undefined];
    const target = resolve(name.startsWith('/') ? join(root, name) : join(dirname(file), name));
    const path = target.endsWith('.ejs') ? target : `${target}.ejs`;
    if (relative(root, path).startsWith('..')) throw new Error(`${file}:${line}: include ${name} is outside the views folder`);
    const body = expandIncludes(path, root, [...stack, file]);
    // The newlines sit inside scriptlet tags, so they print nothing; they start the partial on a line
    // of its own, so its lines keep their own origins.
    const partial = openPartial(data?.trim());
    append(out, partial.open, () => body.origins[0]!);
    append(out, body.text, (k) => body.origins[k]!);
    append(out, partial.close, () => ({ file, line }));
    line += tag.split('\n').length - 1;
    at = m.index! + tag.length;
  }
  append(out, text.slice(at), (k) => ({ file, line: line + k }));
  const rest = out.text.replace(INCLUDE, '');
  if (/\binclude\(/.test(rest)) {
    throw new Error(`${file}: write includes as <%- include('path'[, data]) %> so they can be expanded when compiling`);
  }
  return out;
}

/**
 * The opening of an expanded partial's block. Data written as an object literal with plain keys
 * (`{ iso: a.at, current }`) becomes `let` bindings, which V8 resolves like any local; other data
 * (a variable, a call) needs `with`, whose every name inside is a dynamic lookup.
 */
function openPartial(data: string | undefined): { open: string; close: string } {
  if (!data) return { open: '<% {\n%>', close: '<%\n} %>' };
  const keys = literalKeys(data);
  // The data is read before the names are bound, so `{ unread: unread }` reads the page's `unread`.
  if (keys) return { open: `<% { const __partial = ${data}; { let { ${keys.join(', ')} } = __partial;\n%>`, close: '<%\n} } %>' };
  return { open: `<% with (${data}) {\n%>`, close: '<%\n} %>' };
}

/** The keys of `{ a: x, b, c: f(y, z) }`, or undefined when the text is not such a literal (spreads, computed, quoted or repeated keys). */
function literalKeys(text: string): string[] | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const inner = text.slice(1, -1);
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || quote) return undefined;
  parts.push(inner.slice(start));
  const keys: string[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_$][\w$]*)\s*(?::|$)/.exec(part);
    if (!m || RESERVED.has(m[1]!)) return undefined;
    if (keys.includes(m[1]!)) return undefined; // `let { a, a }` would not compile; `with` keeps the last
    keys.push(m[1]!);
  }
  return keys.length ? keys : undefined;
}

const SPECIAL = /[&<>'"]/;

/**
 * EJS's own escaping, skipped for the common value with nothing to escape: a non-global test is
 * much cheaper than a global replace with a callback, and a page escapes some sixty values.
 */
export function escapeHtml(value: unknown): string {
  if (typeof value === 'string' ? !SPECIAL.test(value) : typeof value === 'number') return String(value);
  return ejs.escapeXML(value as string);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof let new null return super switch this throw true try typeof var void while with yield await of ' +
    'undefined arguments eval locals include escapeFn rethrow').split(' '),
);

/** Puts the failing file's own line and context in a render error (EJS reports a line of the expanded text). */
function relocate(err: unknown, expanded: Expanded, root: string): unknown {
  if (!(err instanceof Error)) return err;
  const m = /^[^\n]*?:(\d+)\n[\s\S]*?\n\n([\s\S]*)$/.exec(err.message);
  if (!m) return err;
  const origin = expanded.origins[Number(m[1]) - 1];
  if (!origin) return err;
  const lines = readFileSync(origin.file, 'utf8').split('\n');
  const context = lines
    .slice(Math.max(origin.line - 3, 0), Math.min(lines.length, origin.line + 2))
    .map((l, i) => {
      const n = Math.max(origin.line - 3, 0) + i + 1;
      return `${n === origin.line ? ' >> ' : '    '}${n}| ${l}`;
    })
    .join('\n');
  err.message = `${relative(root, origin.file)}:${origin.line}\n${context}\n\n${m[2]}`;
  (err as Error & { path?: string }).path = origin.file;
  return err;
}

function viewFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? viewFiles(p) : name.endsWith('.ejs') ? [p] : [];
  });
}

/**
 * Compiles every view on its own (so a syntax error is charged to the file it is in, partial or
 * page) and expands every page, so that start-up fails on a broken template.
 */
const checked = new Set<string>();

export function checkViews(root: string): void {
  // Views do not change while the process runs: once per folder (tests build many apps).
  if (checked.has(root)) return;
  for (const file of viewFiles(root)) {
    const { text } = expandIncludes(file, root);
    for (const source of [readFileSync(file, 'utf8'), text]) {
      try {
        ejs.compile(source, { filename: file, _with: false, localsName: 'locals', strict: false });
      } catch (err) {
        throw new Error(`${relative(root, file)}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
      }
    }
  }
  checked.add(root);
}

/** An Express view engine: compiles each view once per set of data keys, then renders it. */
export function ejsEngine(root: string, options: { check?: boolean } = {}) {
  if (options.check !== false) checkViews(root);
  const expanded = new Map<string, Expanded>();
  // Keyed by the data's own keys, which a page repeats on every render: the names a view may read
  // (those keys that are identifiers) are worked out once, when it is compiled for them.
  const compiled = new Map<string, ejs.TemplateFunction>();
  return (file: string, data: object, cb: (err: unknown, html?: string) => void): void => {
    let source: Expanded | undefined;
    try {
      const key = `${file}\u0000${Object.keys(data).join('\u0000')}`;
      source = expanded.get(file);
      if (!source) expanded.set(file, (source = expandIncludes(file, root)));
      let fn = compiled.get(key);
      if (!fn) {
        const names = Object.keys(data).filter((n) => IDENTIFIER.test(n) && !RESERVED.has(n));
        fn = ejs.compile(source.text, { filename: file, root, views: [root], _with: false, destructuredLocals: names, escape: escapeHtml }) as ejs.TemplateFunction;
        compiled.set(key, fn);
      }
      cb(null, fn(data as ejs.Data) as string);
    } catch (err) {
      cb(source ? relocate(err, source, root) : err);
    }
  };
}
