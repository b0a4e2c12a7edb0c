import type { z } from 'zod';

/**
 * How much work a piece of user Markdown asks of the parser, estimated in one linear pass before it is
 * parsed. marked, highlight.js and sanitize-html are fast on ordinary text, but their cost grows with
 * what the text asks for, and some of it faster than the text: delimiter runs (`*a_*a_…`) in one
 * paragraph cost quadratically, nested lists re-read their content at every level, and every element
 * costs the sanitizer a few microseconds. A 16 KB text could ask for seconds. The estimate below is in
 * microseconds of CPU on the 2-core machine, each weight the worst measured for its kind of markup (with
 * other work running, so on the high side), and a text over the budget is refused before it is parsed.
 * test/unit/markdown-limits.test.ts searches for the slowest text the budget accepts and keeps it in check.
 */

/** Nesting that deep makes the parser recurse until it runs out of stack, whatever the budget says. */
export const MAX_NESTING = 8;
/** The estimate, in microseconds of parsing, rendering and sanitizing, that a text may cost. */
export const MARKDOWN_BUDGET = 25_000;

/** Measured cost of each kind of work (µs of CPU); see the test for the inputs behind each figure. */
const WEIGHT = {
  /** per (delimiter runs in one paragraph)²: emphasis matching is quadratic within a paragraph. */
  emphasis: 0.5,
  /** per unit of other markup (MARKUP below weighs each character: a link, a tag or a table cell is about 50). */
  markup: 1,
  /** per character that becomes an entity (" ' < > &): the sanitizer decodes and re-escapes each one. */
  entity: 8,
  /** per line outside code blocks, blank ones too (marked's list tokenizer looks at each blank line after a list). */
  line: 3,
  /** per paragraph, heading, rule or line break. */
  block: 45,
  /** per list item or quote at depth 1 (deeper ones count more): marked reads each item again for what it contains. */
  container: 100,
  /** per code block: a highlighter call and a copy button (their text costs nothing more). */
  codeBlock: 60,
} as const;

export interface MarkdownLoad {
  /** Deepest nesting of quotes and lists. */
  depth: number;
  /** Sum over paragraphs of (emphasis delimiter runs in the paragraph)². */
  emphasis: number;
  /** Links, code spans, tags, table cells, autolinks, weighed by what each can cost. */
  markup: number;
  entities: number;
  /** Lines outside code blocks. */
  lines: number;
  /** Paragraphs, headings, rules and line breaks. */
  blocks: number;
  /** List items and quotes (a quote counts where it starts, not on each of its lines). */
  containers: number;
  codeBlocks: number;
}

const EMPHASIS = new Set(['*', '_', '~']);
/** What a run of each markup character can cost (µs): `]` may close a link, `|` separates table cells, `@` may end an autolinked address. */
const MARKUP = new Map([['[', 5], [']', 60], ['<', 50], ['>', 10], ['`', 30], ['|', 45], ['#', 35], ['\\', 5], ['@', 50]]);
/** www. and :// start autolinks. */
const AUTOLINK = 50;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/**
 * Reads the container markers at the start of a line (`> `, `- `, `* `, `+ `, `1. `, `1) ` and the
 * indentation before them): how deep the line sits, how many markers it has, and where its text starts.
 */
function containerPrefix(line: string): { depth: number; quotes: number; items: number; start: number } {
  let i = 0;
  let quotes = 0;
  let items = 0;
  let indent = 0;
  for (;;) {
    const from = i;
    while (isBlank(line[i])) i++;
    if (quotes + items === 0) indent += i - from;
    const c = line[i];
    if (c === '>') {
      quotes++;
      i++;
      continue;
    }
    if ((c === '-' || c === '*' || c === '+') && (isBlank(line[i + 1]) || i + 1 === line.length)) {
      items++;
      i++;
      continue;
    }
    let j = i;
    while (isDigit(line[j]) && j - i < 9) j++;
    if (j > i && (line[j] === '.' || line[j] === ')') && (isBlank(line[j + 1]) || j + 1 === line.length)) {
      items++;
      i = j + 1;
      continue;
    }
    break;
  }
  // Indentation nests a list item under the one above it; without a marker it is only text or code.
  const markers = quotes + items;
  return { depth: markers ? markers + Math.floor(indent / 2) : 0, quotes, items, start: i };
}

const fenceOf = (text: string) => {
  const c = text[0];
  if (c !== '`' && c !== '~') return undefined;
  let n = 0;
  while (text[n] === c) n++;
  return n >= 3 ? text.slice(0, n) : undefined;
};

/** The work a text asks for; linear in its length (it is what stands between a paste and the parser). */
export function markdownLoad(md: string): MarkdownLoad {
  const load: MarkdownLoad = { depth: 0, emphasis: 0, markup: 0, entities: 0, lines: 0, blocks: 0, containers: 0, codeBlocks: 0 };
  let fence: string | undefined;
  let runs = 0;
  let afterBreak = true;
  let quotesBefore = 0;
  const endParagraph = () => {
    load.emphasis += runs * runs;
    runs = 0;
  };
  for (const line of md.split('\n')) {
    const prefix = containerPrefix(line);
    const text = line.slice(prefix.start).trimEnd();
    const marker = fenceOf(text);
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && text.length === marker.length) fence = undefined;
      continue;
    }
    load.depth = Math.max(load.depth, prefix.depth);
    // A list item, or a quote deeper than the line before (the next lines of a quote cost no more).
    const quotesOpened = Math.max(0, prefix.quotes - quotesBefore);
    // An alert (`> [!NOTE]`) costs marked-alert about as much as four quotes.
    const alert = quotesOpened && text.startsWith('[!') ? 4 : 0;
    // Nested lists are read again at every level, so depth adds to the cost, though less than in proportion.
    load.containers += ((prefix.items + quotesOpened + alert) * (1 + prefix.depth)) / 2;
    quotesBefore = prefix.quotes;
    if (marker) {
      fence = marker;
      load.codeBlocks++;
      endParagraph();
      afterBreak = true;
      continue;
    }
    load.lines++;
    if (!text) {
      endParagraph();
      afterBreak = true;
      continue;
    }
    // A paragraph, heading, rule or line break: each is an element of its own.
    if (afterBreak || text[0] === '#' || text[0] === '=' || /^(?:-{3,}|\*{3,}|_{3,})$/.test(text.replaceAll(' ', ''))) load.blocks++;
    afterBreak = line.endsWith('  ') || line.endsWith('\\');
    let prev = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\\') {
        // An escaped character is plain text.
        load.markup += MARKUP.get(c)!;
        i++;
        prev = '';
        continue;
      }
      if (EMPHASIS.has(c)) {
        if (!EMPHASIS.has(prev)) runs++;
      } else if (MARKUP.has(c)) {
        if (c !== prev) load.markup += MARKUP.get(c)!;
        if (c === '<' || c === '>') load.entities++;
      } else if (c === '"' || c === "'" || c === '&') {
        load.entities++;
      } else if ((c === 'w' && text.startsWith('www.', i)) || (c === ':' && text.startsWith('://', i))) {
        load.markup += AUTOLINK;
      }
      prev = c;
    }
  }
  endParagraph();
  return load;
}

/** The estimated cost in microseconds. */
export const markdownCost = (l: MarkdownLoad) =>
  WEIGHT.emphasis * l.emphasis + WEIGHT.markup * l.markup + WEIGHT.entity * l.entities + WEIGHT.line * l.lines +
  WEIGHT.block * l.blocks + WEIGHT.container * l.containers + WEIGHT.codeBlock * l.codeBlocks;

const ADVICE: [keyof typeof WEIGHT, keyof MarkdownLoad, string][] = [
  ['emphasis', 'emphasis', 'Too much * and _ markup in one paragraph: put logs and commands in ``` code blocks.'],
  ['markup', 'markup', 'Too many links, tags and other markup: put logs and commands in ``` code blocks.'],
  ['entity', 'entities', 'Too many quotes, <, > and & outside code: put logs and commands in ``` code blocks.'],
  ['line', 'lines', 'Too many lines outside code blocks: put logs in ``` code blocks.'],
  ['block', 'blocks', 'Too many paragraphs, headings and line breaks: put logs in ``` code blocks.'],
  ['container', 'containers', 'Too many list items and quotes: shorten the lists or nest them less.'],
  ['codeBlock', 'codeBlocks', 'Too many code blocks: join neighbouring ones.'],
];

/** Why a user's Markdown cannot be accepted, in words for the form; undefined when it can. */
export function userMarkdownProblem(md: string): string | undefined {
  const load = markdownLoad(md);
  if (load.depth > MAX_NESTING) return `Quotes and lists are nested too deeply: use at most ${MAX_NESTING} levels.`;
  if (markdownCost(load) <= MARKDOWN_BUDGET) return undefined;
  return ADVICE.reduce((a, b) => (WEIGHT[b[0]] * load[b[1]] > WEIGHT[a[0]] * load[a[1]] ? b : a))[2];
}

/** Thrown by the renderer for a text over the limits; its message is meant for the person who wrote it. */
export class MarkdownTooComplexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarkdownTooComplexError';
  }
}

/** For zod schemas of every field that is rendered as user Markdown: `z.string().max(n).superRefine(checkUserMarkdown)`. */
export function checkUserMarkdown(md: string, ctx: z.RefinementCtx): void {
  const problem = userMarkdownProblem(md);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}
