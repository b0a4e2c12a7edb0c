import ejs from 'ejs';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The EJS engine for Express, with partials expanded once, when a view is compiled.
 *
 * A runtime `include()` costs a path resolution, a cache lookup and two copies of every local on
 * each call, and a step page makes five of them: about 40 µs, a sixth of the page. So
 * `<%- include('/partials/head') %>` is replaced by the partial's text before compiling, and
 * `<%- include('time', { iso: a.at }) %>` by `<% with ({ iso: a.at }) { %>…<% } %>`: the partial sees
 * the page's locals with its own data on top, as with a runtime include. Paths starting with `/` are
 * relative to the views folder, others to the including file.
 *
 * Views are also compiled without `with (locals)`, which makes every name in a template (even EJS's
 * own `__append`) a dynamic lookup that V8 cannot optimize. Instead the names a view reads are found
 * in its code and declared from the locals up front (EJS's `destructuredLocals`); a name that is not
 * passed is `undefined`, so `typeof x !== 'undefined'` still works. Include data keeps a `with` of
 * its own, around the partial only.
 *
 * Rules this implies: partials have no top-level `var` (it would be shared with the page; `let` and
 * `const` are scoped); includes are written in that one form, which compiling checks; and a local is
 * never named like a global (`process`, `crypto`…), which the view would read instead. An error's line
 * number counts lines of the expanded text.
 */
const INCLUDE = /<%-\s*include\(\s*(['"])([^'"]+)\1\s*(?:,\s*([\s\S]*?))?\)\s*%>/g;

export function expandIncludes(file: string, root: string, stack: string[] = []): string {
  if (stack.includes(file)) throw new Error(`${file}: includes itself (${[...stack, file].map((f) => relative(root, f)).join(' → ')})`);
  const text = readFileSync(file, 'utf8');
  const expanded = text.replace(INCLUDE, (_m, _q: string, name: string, data: string | undefined) => {
    const target = resolve(name.startsWith('/') ? join(root, name) : join(dirname(file), name));
    const path = target.endsWith('.ejs') ? target : `${target}.ejs`;
    if (relative(root, path).startsWith('..')) throw new Error(`${file}: include ${name} is outside the views folder`);
    const body = expandIncludes(path, root, [...stack, file]);
    return data?.trim() ? `<% with (${data.trim()}) { %>${body}<% } %>` : `<% { %>${body}<% } %>`;
  });
  if (/\binclude\(/.test(expanded.replace(INCLUDE, ''))) {
    throw new Error(`${file}: write includes as <%- include('path'[, data]) %> so they can be expanded when compiling`);
  }
  return expanded;
}

const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof let new null return super switch this throw true try typeof var void while with yield await of ' +
    'undefined arguments eval locals include escapeFn rethrow').split(' '),
);
const TAGS = /<%([=\-_#%]?)([\s\S]*?)[-_]?%>/g;
const STRINGS = /'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`(?:\\.|[^`\\])*`/g;

/** The free names a template's code reads: every identifier that is not a property, a keyword, a global or declared by the template itself. */
export function namesRead(template: string): string[] {
  const names = new Set<string>();
  const declared = new Set<string>();
  for (const [, marker, code] of template.matchAll(TAGS)) {
    if (marker === '#' || marker === '%') continue;
    const js = code!.replace(STRINGS, '""');
    for (const m of js.matchAll(/\b(?:var|let|const|function)\s+([A-Za-z_$][\w$]*)/g)) declared.add(m[1]!);
    for (const m of js.matchAll(/(?<![\w$.])[A-Za-z_$][\w$]*/g)) names.add(m[0]);
  }
  return [...names].filter((n) => !RESERVED.has(n) && !declared.has(n) && !(n in globalThis)).sort();
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

/** An Express view engine: compiles each view once (expanded) and renders it from then on. */
export function ejsEngine(root: string) {
  const compiled = new Map<string, ejs.TemplateFunction>();
  return (file: string, data: object, cb: (err: unknown, html?: string) => void): void => {
    try {
      let fn = compiled.get(file);
      if (!fn) {
        const text = expandIncludes(file, root);
        fn = ejs.compile(text, { filename: file, root, views: [root], _with: false, destructuredLocals: namesRead(text), escape: escapeHtml }) as ejs.TemplateFunction;
        compiled.set(file, fn);
      }
      cb(null, fn(data as ejs.Data) as string);
    } catch (err) {
      cb(err);
    }
  };
}
