import { randomBytes } from 'node:crypto';
import { AppError } from '../lib/errors.ts';
import { readDoc, writeDoc } from '../lib/pandoc.ts';
import { para, rawBlock, rawInline, stringify, strong, text, transform, type PandocDoc, type PNode } from '../lib/pandoc-ast.ts';
import { singleLine } from '../lib/validate.ts';
import type { DraftInput } from './faq-port.ts';

/**
 * A troubleshooting page of the StarlingX docs (reStructuredText) as FAQ drafts, the reverse of the
 * RST export: entries that already exist upstream are reviewed, not written again. pandoc reads the
 * page and writes each part back as Markdown; we find the sections that have the shape of an entry:
 * a fix (Resolution, Workaround…) and a cause or a problem (Symptom…), marked by rubrics, bold
 * labels (`**Cause**: …`) or sub-sections, as the docs and the RST export write them.
 */

const LABELS: Record<Part, RegExp> = {
  problem: /^(problem|problems|symptoms?|issue|description|error|what you see|what happens)$/,
  cause: /^(cause|causes|root cause|reason|why it happens|explanation)$/,
  fix: /^(fix|fixes|solution|resolution|workaround|recovery|remedy|what to do|how to fix it)$/,
  sources: /^(sources|references|see also|more information)$/,
};
type Part = 'problem' | 'cause' | 'fix' | 'sources';

/**
 * The docs define these substitutions once for every page (`shared/strings.txt`, `shared/abbrevs.txt`,
 * read through Sphinx's rst_prolog), so pandoc, reading one page, cannot know them.
 */
const SUBSTITUTIONS: Record<string, string> = {
  prod: 'StarlingX', 'prod-long': 'StarlingX', 'prod-os': 'StarlingX OpenStack', 'this-prod': 'StarlingX', 'prod-ver': '', 'this-ver': '',
  context: 'About this task', prereq: 'Prerequisites', proc: 'Procedure', postreq: 'Postrequisites', result: 'Results', eg: 'Example', minitoc: 'In this section:',
};

/** A definition for every substitution the page uses but does not define; an abbreviation stands for itself. */
export function withSubstitutions(rst: string): string {
  const defined = new Set([...rst.matchAll(/^\.\. \|([^|\n]+)\| /gm)].map((m) => m[1]));
  const used = new Set([...rst.matchAll(/\|([A-Za-z][A-Za-z0-9+-]{0,40})\|/g)].map((m) => m[1]!));
  const added = [...used].filter((name) => !defined.has(name)).map((name) => `.. |${name}| replace:: ${SUBSTITUTIONS[name] ?? name}`.trimEnd());
  return added.length ? `${rst}\n\n${added.join('\n')}\n` : rst;
}

/** Where the page lives in the docs: the path under doc/source when it is given, else the file name. */
export function docsPath(file: string): string {
  const path = file.replace(/\\/g, '/');
  const i = path.lastIndexOf('doc/source/');
  return i >= 0 ? path.slice(i) : (path.split('/').pop() ?? path);
}

/** Its published address on docs.starlingx.io, when the path says where it is. */
const publishedUrl = (path: string) => (path.startsWith('doc/source/') ? `https://docs.starlingx.io/${path.slice('doc/source/'.length).replace(/\.rst$/, '.html')}` : undefined);

const ROLE_AS_TEXT = new Set(['ref', 'doc', 'term', 'guilabel', 'menuselection', 'abbr', 'numref']);

/** What the docs' Sphinx markup means in plain Markdown, before pandoc writes it. */
function adaptForMarkdown(blocks: PNode[]): PNode[] {
  return transform(blocks, (n) => {
    switch (n.t) {
      case 'Div': {
        const [[, classes], body] = n.c as [[string, string[]], PNode[]];
        if (classes.includes('title')) return undefined;
        // Partner-only text, the page's own table of contents, toctrees: not part of an answer.
        if (classes.some((c) => ['only', 'contents', 'toctree'].includes(c))) return [];
        const kind = classes.find((c) => ['note', 'tip', 'important', 'warning', 'caution', 'admonition', 'seealso', 'hint', 'attention', 'danger', 'error'].includes(c));
        if (!kind) return body;
        const titled = body.filter((b) => !(b.t === 'Div' && (b.c as [[string, string[]]])[0][1].includes('title')));
        const title = kind === 'admonition' ? body.find((b) => b.t === 'Div' && (b.c as [[string, string[]]])[0][1].includes('title')) : undefined;
        const alert = { tip: 'TIP', hint: 'TIP', important: 'IMPORTANT', warning: 'WARNING', caution: 'CAUTION', danger: 'CAUTION', error: 'CAUTION', attention: 'WARNING' }[kind] ?? 'NOTE';
        return { t: 'BlockQuote', c: [{ t: 'Plain', c: [rawInline('gfm', `[!${alert}]`)] }, ...(title ? [para([strong(text(stringify(title)))])] : []), ...titled] };
      }
      case 'Code': {
        const [[, classes, kv], s] = n.c as [[string, string[], [string, string][]], string];
        if (!classes.includes('interpreted-text')) return undefined;
        const role = kv.find(([k]) => k === 'role')?.[1] ?? '';
        if (!ROLE_AS_TEXT.has(role)) return { t: 'Code', c: [['', [], []], s.replace(/\s+/g, ' ')] };
        // `:ref:\`text <label>\`` reads "text"; `:abbr:\`OSD (Object Storage Device)\`` reads "OSD".
        const shown = role === 'abbr' ? s.replace(/\s*\(.*\)\s*$/s, '') : s.replace(/\s*<[^>]*>\s*$/s, '');
        return text(shown.replace(/\s+/g, ' ').trim());
      }
      case 'CodeBlock': {
        const [[id, classes, kv], s] = n.c as [[string, string[], [string, string][]], string];
        return { t: 'CodeBlock', c: [[id, classes.filter((c) => c !== 'none' && c !== 'text'), kv], s] };
      }
      // Figures point at files of the docs repository, which Onramp does not have.
      case 'Image':
        return (n.c as [unknown, PNode[]])[1];
      case 'RawBlock':
      case 'RawInline':
        return (n.c as [string])[0] === 'gfm' ? undefined : [];
      case 'Header':
        return { t: 'Header', c: [Math.max(3, n.c[0] as number), ['', [], []], n.c[2]] };
      default:
        return undefined;
    }
  });
}

interface Section {
  header: PNode;
  body: PNode[];
  children: Section[];
}

/** The page's sections as a tree: a header owns the blocks up to the next header at its level or above. */
function sectionTree(blocks: PNode[]): { intro: PNode[]; sections: Section[] } {
  const root: Section = { header: { t: 'Header', c: [0, ['', [], []], []] }, body: [], children: [] };
  const stack = [root];
  for (const b of blocks) {
    if (b.t === 'Header') {
      const level = b.c[0] as number;
      while (stack.length > 1 && (stack.at(-1)!.header.c[0] as number) >= level) stack.pop();
      const s: Section = { header: b, body: [], children: [] };
      stack.at(-1)!.children.push(s);
      stack.push(s);
    } else stack.at(-1)!.body.push(b);
  }
  return { intro: root.body, sections: root.children };
}

/** What a title or label says, roles read as the docs show them. */
const plain = (inlines: PNode[]) => singleLine(stringify(adaptForMarkdown([para(inlines)])));

const labelOf = (s: string): Part | undefined => {
  const key = s.toLowerCase().replace(/[:.]\s*$/, '').trim();
  return (Object.keys(LABELS) as Part[]).find((p) => LABELS[p].test(key));
};
const flatten = (s: Section): PNode[] => [...s.body, ...s.children.flatMap((c) => [c.header, ...flatten(c)])];

/** The parts of a section: blocks after a label (rubric, bold lead, sub-section) belong to it. */
function partsOf(section: Section): { lead: PNode[]; parts: Map<Part, PNode[]>; rest: Section[] } {
  const parts = new Map<Part, PNode[]>();
  const lead: PNode[] = [];
  let current: PNode[] = lead;
  for (const b of section.body) {
    const inlines = b.t === 'Para' ? (b.c as PNode[]) : [];
    const label = inlines[0]?.t === 'Strong' ? labelOf(stringify(inlines[0])) : undefined;
    if (label) {
      current = parts.get(label) ?? [];
      parts.set(label, current);
      let after = inlines.slice(1);
      while (after[0] && (after[0].t === 'Space' || (after[0].t === 'Str' && /^[:.]$/.test(after[0].c as string)))) after = after.slice(1);
      if (after.length) current.push(para(after));
    } else current.push(b);
  }
  const rest: Section[] = [];
  const add = (p: Part, blocks: PNode[]) => parts.set(p, [...(parts.get(p) ?? []), ...blocks]);
  for (const child of section.children) {
    const label = labelOf(plain(child.header.c[2] as PNode[]));
    if (!label) {
      rest.push(child);
      continue;
    }
    // A "Solution" sub-section may end with its own "References" rubric.
    const sub = partsOf(child);
    add(label, [...sub.lead, ...sub.rest.flatMap((c) => [c.header, ...flatten(c)])]);
    for (const [p, blocks] of sub.parts) add(p, blocks);
  }
  return { lead, parts, rest };
}

/** A draft before its parts are written as Markdown. */
interface Found {
  title: string;
  anchor: string;
  errorText: string;
  cause: PNode[];
  fix: PNode[];
  sources: string[];
}

function findEntries(sections: Section[], out: Found[], ignored: string[]): void {
  for (const s of sections) {
    const { lead, parts, rest } = partsOf(s);
    const title = plain(s.header.c[2] as PNode[]);
    const fix = parts.get('fix');
    if (fix && (parts.has('cause') || parts.has('problem'))) {
      const problem = [...lead, ...(parts.get('problem') ?? [])];
      const errorBlock = problem.find((b) => b.t === 'CodeBlock');
      const links: string[] = [];
      transform(parts.get('sources') ?? [], (n) => {
        if (n.t === 'Link' && /^https:\/\//.test((n.c as [unknown, unknown, [string]])[2][0])) links.push((n.c as [unknown, unknown, [string]])[2][0]);
        return undefined;
      });
      out.push({
        title,
        anchor: (s.header.c[1] as [string])[0],
        errorText: errorBlock ? ((errorBlock.c as [unknown, string])[1]) : '',
        // The error stays in the text too: the sentence before it usually leads to it ("… shows:").
        cause: [...problem, ...(parts.get('cause') ?? [])],
        fix: [...fix, ...rest.flatMap((c) => [c.header, ...flatten(c)])],
        sources: links,
      });
    } else {
      const before = out.length;
      findEntries(rest, out, ignored);
      if (out.length === before && !rest.length) ignored.push(title);
    }
  }
}

/** Block lists written as Markdown by one pandoc run, split where we put a marker between them. */
async function toMarkdown(version: number[], lists: PNode[][]): Promise<string[]> {
  const marker = `<!-- onramp-part-${randomBytes(8).toString('hex')} -->`;
  const blocks = lists.flatMap((l, i) => (i ? [rawBlock('gfm', marker), ...l] : l));
  const md = await writeDoc({ 'pandoc-api-version': version, meta: {}, blocks }, 'gfm', ['--wrap=none']);
  const parts = md.split(marker).map((p) => p.trim());
  if (parts.length !== lists.length) throw new AppError(422, 'rst_unreadable', 'The page could not be split into entries.');
  return parts;
}

export interface RstDrafts {
  drafts: DraftInput[];
  /** Sections without the shape of an entry (no fix, or a fix with neither cause nor problem). */
  ignored: string[];
}

/** The entries of a docs page, as drafts (not yet saved). `file` names the page (`doc/source/…/x.rst`). */
export async function draftsFromRst(rst: string, file: string): Promise<RstDrafts> {
  const doc: PandocDoc = await readDoc(withSubstitutions(rst.replace(/\r\n?/g, '\n')), 'rst', 20_000);
  const { sections } = sectionTree(doc.blocks);
  const found: Found[] = [];
  const ignored: string[] = [];
  findEntries(sections, found, ignored);
  if (!found.length) return { drafts: [], ignored };
  const md = await toMarkdown(doc['pandoc-api-version'], found.flatMap((f) => [adaptForMarkdown(f.cause), adaptForMarkdown(f.fix)]));
  const path = docsPath(file);
  const page = publishedUrl(path);
  const drafts = found.map((f, i): DraftInput => ({
    title: f.title.slice(0, 200),
    errorText: f.errorText.slice(0, 4096),
    cause: md[2 * i]!,
    fix: md[2 * i + 1]!,
    sources: [...new Set([...(page ? [f.anchor ? `${page}#${f.anchor}` : page] : []), ...f.sources])].slice(0, 10),
    tags: ['docs'],
    origin: `Docs: ${path}`,
    importKey: `docs:${path}#${f.anchor || f.title.toLowerCase()}`,
  }));
  return { drafts, ignored };
}
