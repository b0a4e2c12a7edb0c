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
 *
 * `<%- personal('path'[, data]) %>` is an include too, of a part that differs from one reader to the next
 * (their name in the menu, their progress, a form with what they typed). It renders like an include;
 * besides, a page can be rendered as a frame (`frame()`: the page with every personal part left as a
 * numbered gap, from data that names only what all its readers share) and each gap filled for one
 * reader (`parts()`), so a busy page's shared bulk is rendered once (see `src/lib/web/page-frames.ts`).
 * A personal part reads only the data's names, never a variable the page declares around it.
 */
const INCLUDE = /<%-\s*(include|personal)\(\s*(['"])([^'"]+)\2\s*(?:,\s*([\s\S]*?))?\)\s*%>/g;

/** A personal part of a page rendered as a frame: the partial (from the views folder) and its data expression. */
export interface Gap {
  path: string;
  data?: string;
}

/** Where gap `i` sits in a frame's text: letters and digits only, so escaping and EJS leave it as it is. */
export const GAP_MARK = 'gapc31f7a9e';
export const gapMark = (i: number) => `${GAP_MARK}${i}x`;

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

/**
 * A view's text with its includes (and personal parts) written in. With `gaps`, personal parts are
 * left as gaps instead (see `frame`), and each is added to `gaps`.
 */
export function expandIncludes(file: string, root: string, stack: string[] = [], gaps?: Gap[]): Expanded {
  if (stack.includes(file)) throw new Error(`${file}: includes itself (${[...stack, file].map((f) => relative(root, f)).join(' → ')})`);
  return expandText(readFileSync(file, 'utf8'), file, root, stack, gaps);
}

function expandText(text: string, file: string, root: string, stack: string[], gaps?: Gap[]): Expanded {
  const out: Expanded = { text: '', origins: [{ file, line: 1 }] };
  let at = 0;
  let line = 1;
  for (const m of text.matchAll(INCLUDE)) {
    const before = text.slice(at, m.index);
    append(out, before, (k) => ({ file, line: line + k }));
    line += before.split('\n').length - 1;
    const [tag, kind, , name, data] = m as unknown as [string, string, string, string, string | undefined];
    const target = resolve(name.startsWith('/') ? join(root, name) : join(dirname(file), name));
    const path = target.endsWith('.ejs') ? target : `${target}.ejs`;
    if (relative(root, path).startsWith('..')) throw new Error(`${file}:${line}: include ${name} is outside the views folder`);
    if (kind === 'personal' && gaps) {
      append(out, gapMark(gaps.length), () => ({ file, line }));
      gaps.push({ path, data: data?.trim() });
      line += tag.split('\n').length - 1;
      at = m.index! + tag.length;
      continue;
    }
    const body = expandIncludes(path, root, [...stack, file], gaps);
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
  if (/\b(include|personal)\(/.test(rest)) {
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
  // Short strings that need escaping are mostly content a page shows on every view (an FAQ title with
  // quotes, a link with `&`): escaped once and remembered (EJS's replace with a callback costs ~1 µs each).
  if (typeof value !== 'string' || value.length > 160) return ejs.escapeXML(value as string);
  let out = escapedShort.get(value);
  if (out === undefined) {
    if (escapedShort.size >= 4096) escapedShort.clear();
    escapedShort.set(value, (out = ejs.escapeXML(value)));
  }
  return out;
}
const escapedShort = new Map<string, string>();

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

/**
 * What was made for each set of data keys (a view compiled for them). A page's data has the same keys
 * in the same order on every render, and a view sees a few such sets, so they are compared name by name
 * (the same interned strings) instead of being joined into a key on every render.
 */
class Shapes<T> {
  private readonly seen: { keys: string[]; value: T }[] = [];
  get(keys: string[], make: (keys: string[]) => T): T {
    for (const shape of this.seen) {
      if (shape.keys.length !== keys.length) continue;
      let same = true;
      for (let i = 0; i < keys.length && same; i++) same = shape.keys[i] === keys[i];
      if (same) return shape.value;
    }
    const value = make(keys);
    this.seen.push({ keys, value });
    return value;
  }
}

/** An Express view engine that can also render a page as a frame with gaps, and the gaps one by one (see `personal`). */
export interface ViewEngine {
  (file: string, data: object, cb: (err: unknown, html?: string) => void): void;
  /** `file` with each personal part left as its gap mark (`gapMark(i)`), rendered from `data`; throws as a render does. */
  frame(file: string, data: object): string;
  /** Renders personal parts of `file`'s frame, by number, from the whole page's data for one reader (`data`, merged in order). */
  parts(file: string, ...data: object[]): (i: number) => string;
}

/** An Express view engine: compiles each view once per set of data keys, then renders it. */
export function ejsEngine(root: string, options: { check?: boolean } = {}): ViewEngine {
  if (options.check !== false) checkViews(root);
  const sources = new Map<string, Expanded>();
  const frames = new Map<string, { source: Expanded; parts: Expanded[] }>();
  // Compiled for the data's own keys, which a page repeats on every render: the names a view may read
  // (those keys that are identifiers) are worked out once, when it is compiled for them.
  const compiled = new Map<string, Shapes<ejs.TemplateFunction>>();
  const partsCompiled = new Map<string, Shapes<ejs.TemplateFunction[]>>();

  // (`unsafePrototypeLocals` is EJS 7's, newer than its types.)
  const compile = (source: Expanded, file: string, keys: string[], sharedCopy = false) =>
    ejs.compile(source.text, <ejs.Options & { unsafePrototypeLocals: boolean }>{
      filename: file,
      root,
      views: [root],
      _with: false,
      destructuredLocals: keys.filter((n) => IDENTIFIER.test(n) && !RESERVED.has(n)),
      escape: escapeHtml,
      // Parts share one copy of the data made for all of a page's parts (see `parts`), not one each.
      unsafePrototypeLocals: sharedCopy,
    }) as ejs.TemplateFunction;

  function run(kind: string, file: string, source: Expanded, data: object): string {
    try {
      const key = `${kind}\u0000${file}`;
      let shapes = compiled.get(key);
      if (!shapes) compiled.set(key, (shapes = new Shapes()));
      const fn = shapes.get(Object.keys(data), (keys) => compile(source, file, keys));
      return fn(data as ejs.Data) as string;
    } catch (err) {
      throw relocate(err, source, root);
    }
  }
  const framed = (file: string) => {
    let frame = frames.get(file);
    if (!frame) {
      const gaps: Gap[] = [];
      const source = expandIncludes(file, root, [], gaps);
      // Each part alone: the partial, with its data read in the page's names.
      const parts = gaps.map((gap) => expandText(`<%- include('/${relative(root, gap.path)}'${gap.data ? `, ${gap.data}` : ''}) %>`, file, root, []));
      frames.set(file, (frame = { source, parts }));
    }
    return frame;
  };

  const engine = (file: string, data: object, cb: (err: unknown, html?: string) => void): void => {
    let html: string;
    try {
      let source = sources.get(file);
      if (!source) sources.set(file, (source = expandIncludes(file, root)));
      html = run('', file, source, data);
    } catch (err) {
      return cb(err);
    }
    cb(null, html);
  };
  return Object.assign(engine, {
    frame(file: string, data: object) {
      return run('frame', file, framed(file).source, data);
    },
    parts(file: string, ...data: object[]) {
      const { parts } = framed(file);
      // One copy of the data for all parts (EJS would copy it for each). A plain object, not one without a
      // prototype as EJS makes: V8 keeps those as hash tables, and each part reads every name from it.
      // The prototype is never read: views are compiled without `with`, and declare only the data's own keys.
      const locals = Object.assign({}, ...data) as ejs.Data;
      let shapes = partsCompiled.get(file);
      if (!shapes) partsCompiled.set(file, (shapes = new Shapes()));
      const keys = Object.keys(locals);
      const fns = shapes.get(keys, () => []);
      return (i: number) => {
        const source = parts[i];
        if (!source) throw new Error(`${relative(root, file)} has no personal part ${i}`);
        try {
          let fn = fns[i];
          if (!fn) fns[i] = fn = compile(source, file, keys, true);
          return fn(locals) as string;
        } catch (err) {
          throw relocate(err, source, root);
        }
      };
    },
  });
}
