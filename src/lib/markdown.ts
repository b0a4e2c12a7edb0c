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
import sanitizeHtml from 'sanitize-html';

export interface Rendered {
  html: string;
  /** Absolute internal links (`/workshops/...`), for the content check. */
  links: string[];
}

// Only the languages install guides and troubleshooting entries use (console and sh are aliases of
// shell and bash): loading all of highlight.js's 190 grammars cost every start-up about 60 ms.
for (const [name, grammar] of Object.entries({ bash, shell, yaml, json, python, ini, diff, dockerfile, xml, plaintext, makefile, sql, go, javascript, typescript })) hljs.registerLanguage(name, grammar);

function createMarked(): Marked {
  return new Marked(
    markedHighlight({
      emptyLangClass: 'hljs',
      langPrefix: 'hljs language-',
      highlight(code, lang) {
        const language = hljs.getLanguage(lang) ? lang : 'plaintext';
        return hljs.highlight(code, { language }).value;
      },
    }),
    markedAlert(),
    { gfm: true },
  );
}

const marked = createMarked();

// Links are collected by an extension (options passed to parse() would replace marked-alert's own
// walkTokens); rendering is synchronous, so one collector at a time is safe.
let collectLinks: string[] | undefined;
marked.use({
  walkTokens(token) {
    if (collectLinks && token.type === 'link' && (token as Tokens.Link).href.startsWith('/')) {
      collectLinks.push((token as Tokens.Link).href);
    }
  },
});

/** Code blocks get a copy button; it stays hidden until the page script can make it work. */
function addCopyButtons(html: string): string {
  return html
    .replaceAll('<pre><code', '<div class="code-block"><button type="button" class="copy-btn" hidden>Copy</button><pre><code')
    .replaceAll('</code></pre>', '</code></pre></div>');
}

/** Markdown from the repository (reviewed like code): rendered once at load. */
export function renderTrusted(md: string): Rendered {
  const links: string[] = [];
  collectLinks = links;
  try {
    return { html: addCopyButtons(marked.parse(md, { async: false }) as string), links };
  } finally {
    collectLinks = undefined;
  }
}

/** One line of repository Markdown (a checkpoint prompt or hint): `code`, emphasis and links. */
export function renderTrustedInline(md: string): string {
  return marked.parseInline(md, { async: false }) as string;
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

/** Markdown from a user: size-capped, rendered, then passed through an explicit allowlist. */
export function renderUser(md: string): string {
  const source = md.length > USER_MARKDOWN_MAX ? md.slice(0, USER_MARKDOWN_MAX) : md;
  const html = marked.parse(source, { async: false }) as string;
  return sanitizeHtml(addCopyButtons(html), SANITIZE);
}
