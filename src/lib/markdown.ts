import { Marked, type Tokens } from 'marked';
import { markedHighlight } from 'marked-highlight';
import markedAlert from 'marked-alert';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import shell from 'highlight.js/lib/languages/shell';
import yaml from 'highlight.js/lib/languages/yaml';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import ini from 'highlight.js/lib/languages/ini';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import xml from 'highlight.js/lib/languages/xml';
import plaintext from 'highlight.js/lib/languages/plaintext';
import makefile from 'highlight.js/lib/languages/makefile';
import sql from 'highlight.js/lib/languages/sql';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';
import { randomBytes } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import { MarkdownTooComplexError, userMarkdownProblem } from './markdown-limits.ts';

export interface Rendered {
  html: string;
  /** Absolute internal links (`/workshops/...`), for the content check. */
  links: string[];
  /** Whether the text shows commands to run (a bash, sh, shell or console block): such text must cite its sources. */
  hasCommands: boolean;
  /** Variant blocks, in order; the HTML marks each one's `open` attribute with VARIANT_OPEN(i). */
  variants: VariantCondition[];
}

/** What a variant block is for: the deployment configurations and platforms it applies to (empty: any). */
export interface VariantCondition {
  deployment: string[];
  platform: string[];
}

export const VARIANT_DIMENSIONS: Record<keyof VariantCondition, Record<string, string>> = {
  deployment: { 'aio-sx': 'AIO-SX', 'aio-dx': 'AIO-DX', standard: 'Standard', 'standard-storage': 'Standard with storage', 'distributed-cloud': 'Distributed Cloud' },
  platform: { libvirt: 'libvirt/KVM', virtualbox: 'VirtualBox', 'bare-metal': 'bare metal' },
};

/** Placeholder for the `open` attribute of variant block i, filled in per deployment profile. */
export const VARIANT_OPEN = (i: number) => `\u0000variant-open:${i}\u0000`;

const COMMAND_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

// Only the languages install guides and troubleshooting entries use (console and sh are aliases of
// shell and bash): loading all of highlight.js's 190 grammars cost every start-up about 60 ms.
for (const [name, grammar] of Object.entries({ bash, shell, yaml, json, python, ini, diff, dockerfile, xml, plaintext, makefile, sql, go, javascript, typescript })) hljs.registerLanguage(name, grammar);

function highlightCode(code: string, lang: string): string {
  const language = hljs.getLanguage(lang) ? lang : 'plaintext';
  return hljs.highlight(code, { language }).value;
}

function createMarked(highlight = highlightCode): Marked {
  return new Marked(
    markedHighlight({
      emptyLangClass: 'hljs',
      langPrefix: 'hljs language-',
      highlight,
    }),
    markedAlert({
      // "What differs on later releases": a note of its own, so readers can tell it from the main path.
      variants: [{ type: 'release', icon: '', title: 'On other releases' }],
    }),
    { gfm: true },
  );
}

/** Markdown from users: no extensions beyond GFM, highlighting (up to a budget) and alerts. */
const marked = createMarked(highlightUserCode);
/** Markdown from the repository: also variant blocks, and what the content check needs to know. */
const trusted = createMarked();

// Rendering is synchronous, so one collector at a time is safe. (Options passed to parse() would
// replace marked-alert's own walkTokens, hence an extension.)
let collect: Omit<Rendered, 'html'> | undefined;
trusted.use({
  walkTokens(token) {
    if (!collect) return;
    if (token.type === 'link' && (token as Tokens.Link).href.startsWith('/')) collect.links.push((token as Tokens.Link).href);
    if (token.type === 'code' && COMMAND_LANGS.has(((token as Tokens.Code).lang ?? '').split(/\s/)[0]!)) collect.hasCommands = true;
  },
  extensions: [
    {
      // :::variant platform=virtualbox deployment=aio-dx
      // Markdown for that case only
      // :::
      name: 'variant',
      level: 'block',
      start: (src) => /^:::variant\b/m.exec(src)?.index,
      tokenizer(src) {
        const m = /^:::variant[ \t]+([^\n]*)\n([\s\S]*?)\n:::[ \t]*(?:\n+|$)/.exec(src);
        if (!m) {
          if (src.startsWith(':::variant')) throw new Error('a ":::variant" block needs conditions on its first line and a closing ":::" line');
          return undefined;
        }
        if (/^:::variant\b/m.test(m[2]!)) throw new Error('variant blocks cannot be nested');
        const token = { type: 'variant', raw: m[0], condition: parseCondition(m[1]!), tokens: [] as Tokens.Generic[] };
        this.lexer.blockTokens(m[2]!, token.tokens);
        return token;
      },
      renderer(token) {
        const i = collect ? collect.variants.push(token.condition as VariantCondition) - 1 : 0;
        return `<details class="variant"${VARIANT_OPEN(i)}><summary>${variantLabel(token.condition as VariantCondition)}</summary>` +
          `<div class="variant-body">${this.parser.parse(token.tokens ?? [])}</div></details>\n`;
      },
    },
  ],
});

/** `platform=libvirt,virtualbox deployment=aio-dx` */
function parseCondition(text: string): VariantCondition {
  const out: VariantCondition = { deployment: [], platform: [] };
  for (const part of text.trim().split(/\s+/)) {
    const [key, values] = part.split('=') as [string, string | undefined];
    if (!(key in VARIANT_DIMENSIONS) || !values) throw new Error(`variant condition "${part}": write deployment=… or platform=…`);
    const known = VARIANT_DIMENSIONS[key as keyof VariantCondition];
    for (const v of values.split(',')) {
      if (!(v in known)) throw new Error(`variant condition "${part}": ${key} must be one of ${Object.keys(known).join(', ')}`);
      out[key as keyof VariantCondition].push(v);
    }
  }
  if (!out.deployment.length && !out.platform.length) throw new Error('a variant block needs at least one condition');
  return out;
}

export function variantLabel(c: VariantCondition): string {
  const names = (key: keyof VariantCondition) => c[key].map((v) => VARIANT_DIMENSIONS[key][v]).join(' or ');
  return ['If you install', c.deployment.length ? names('deployment') : '', c.platform.length ? `on ${names('platform')}` : ''].filter(Boolean).join(' ');
}

/** Blocks that show what a command printed: nothing in them is meant to be run, so they get no copy button. */
const OUTPUT_LANGS = new Set(['console', 'text', 'plaintext', 'txt', 'output', 'log']);
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh']);

/**
 * The opening of a code block: a `pre` labelled with what it holds, which a keyboard can focus because
 * a long line scrolls inside it, and a copy button that the stylesheet puts in a bar above the code (with
 * the label), so it never covers the end of a line. The button stays hidden until the page script can
 * make it work; sample output gets none. The markup is otherwise the block it always was, and the bar
 * adds no text to it, so what reads a block (copy scripts, "what you should see") finds the code.
 */
export function codeBlockStart(lang: string): string {
  const kind = OUTPUT_LANGS.has(lang) ? (lang === 'console' ? 'Terminal' : 'Output') : SHELL_LANGS.has(lang) ? 'Commands' : lang ? lang.toUpperCase() : 'Code';
  const copy = OUTPUT_LANGS.has(lang) ? '' : '<button type="button" class="copy-btn" hidden>Copy</button>';
  return `<div class="code-block">${copy}<pre tabindex="0" role="group" aria-label="${kind}">`;
}

/** Code blocks get their bar and a focusable `pre` (see codeBlockStart). */
function addCopyButtons(html: string): string {
  return html
    .replace(/<pre><code class="hljs(?: language-([\w+#.-]{1,40}))?">/g, (m, lang: string | undefined) => `${codeBlockStart(lang ?? '')}${m.slice(5)}`)
    .replaceAll('</code></pre>', '</code></pre></div>');
}

/** Markdown from the repository (reviewed like code): rendered once at load. */
export function renderTrusted(md: string): Rendered {
  const found: Omit<Rendered, 'html'> = { links: [], hasCommands: false, variants: [] };
  collect = found;
  try {
    return { html: addCopyButtons(trusted.parse(md, { async: false }) as string), ...found };
  } finally {
    collect = undefined;
  }
}

/** One line of repository Markdown (a checkpoint prompt or hint): `code`, emphasis and links. */
export function renderTrustedInline(md: string): string {
  return trusted.parseInline(md, { async: false }) as string;
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'a', 'ul', 'ol', 'li', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'hr', 'img', 'span', 'div', 'button',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    code: ['class'],
    span: ['class'],
    div: ['class'],
    p: ['class'],
    th: ['align'],
    td: ['align'],
    button: ['type', 'class', 'hidden'],
  },
  allowedClasses: {
    code: ['hljs', 'language-*'],
    span: ['hljs-*'],
    div: ['code-block', 'markdown-alert', 'markdown-alert-*'],
    p: ['markdown-alert-title'],
    button: ['copy-btn'],
  },
  allowedSchemes: ['https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  transformTags: {
    h1: 'h2',
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer ugc' }),
  },
  // A <button> can only be our copy button. Images survive only from https: addresses: a relative
  // one would make the reader's browser call our own URLs.
  exclusiveFilter: (frame) =>
    (frame.tag === 'button' && frame.attribs.class !== 'copy-btn') ||
    (frame.tag === 'img' && !/^https:\/\//i.test(frame.attribs.src ?? '')),
};

export const USER_MARKDOWN_MAX = 16 * 1024;
/**
 * Characters of code per text that get syntax colours; later code is shown plain. Highlighting costs
 * about 3 µs a character on real shell scripts and twice that on hostile ones: 16 KB of it would take
 * 50-100 ms, 4 KB takes a few milliseconds.
 */
export const USER_HIGHLIGHT_MAX = 4 * 1024;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
const escapeCode = (code: string) => code.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

// Rendering is synchronous, so one render's state at a time is safe.
let highlightLeft = 0;
let codeBlocks: string[] = [];
let codeMark = '';

function highlightUserCode(code: string, lang: string): string {
  if (!hljs.getLanguage(lang) || code.length > highlightLeft) return escapeCode(code);
  highlightLeft -= code.length;
  return hljs.highlight(code, { language: lang }).value;
}

/**
 * Code blocks skip the sanitizer: they are escaped text (or highlight.js's spans over escaped text) that
 * we build ourselves, and sanitize-html spends microseconds on every entity and span in them, so logs in
 * code blocks, which is where we ask people to put them, cost it 50-200 ms at 16 KB. Each block leaves
 * a mark that nobody can type (it holds a random nonce per render) and goes back in after sanitizing.
 */
marked.use({
  renderer: {
    code(token) {
      const lang = (token.lang ?? '').match(/^\S*/)![0];
      const cls = /^[\w+#.-]{1,40}$/.test(lang) ? `hljs language-${lang}` : 'hljs';
      const body = (token.escaped ? token.text : escapeCode(token.text)).replace(/\n$/, '');
      const i = codeBlocks.push(`${codeBlockStart(cls === 'hljs' ? '' : lang)}<code class="${cls}">${body}\n</code></pre></div>`);
      return `${codeMark}${i - 1}:\n`;
    },
  },
});

/**
 * Markdown from a user: size-capped, refused when it would cost the parser more than its budget
 * (MarkdownTooComplexError, see markdown-limits.ts), rendered, passed through an explicit allowlist,
 * and then given back its code blocks.
 */
export function renderUser(md: string): string {
  const source = md.length > USER_MARKDOWN_MAX ? md.slice(0, USER_MARKDOWN_MAX) : md;
  const problem = userMarkdownProblem(source);
  if (problem) throw new MarkdownTooComplexError(problem);
  highlightLeft = USER_HIGHLIGHT_MAX;
  codeBlocks = [];
  codeMark = `onramp-code-${randomBytes(12).toString('hex')}-`;
  try {
    const html = sanitizeHtml(marked.parse(source, { async: false }) as string, SANITIZE);
    if (!codeBlocks.length) return html;
    const blocks = codeBlocks;
    return html.replace(new RegExp(`${codeMark}(\\d{1,6}):\n?`, 'g'), (_, i: string) => blocks[Number(i)] ?? '');
  } finally {
    codeBlocks = [];
  }
}
