import { PHASES } from '../content/content-schemas.ts';
import { VARIANT_DIMENSIONS } from '../lib/markdown.ts';
import { FRAGMENTS_FILTER, pandoc, pandocApiVersion, writeDoc } from '../lib/pandoc.ts';
import {
  bulletList, code, div, emph, header, link, para, rawBlock, rawInline, stringify, strong, text, transform,
  type PandocDoc, type PNode,
} from '../lib/pandoc-ast.ts';
import { PHASE_TITLES } from './faq-export.ts';
import type { People } from './faq-people.ts';
import type { FaqEntry } from './faq-types.ts';

/**
 * The approved FAQ as reStructuredText for the StarlingX documentation (starlingx/docs, built by
 * Sphinx), laid out as it lays out a section: an `index.rst` with a toctree, one page per install
 * phase, a label per entry (`.. _faq-<id>:`, stable because ids are), rubrics for the parts of an
 * entry, `.. code-block::` with the language, admonitions, and the sources as links.
 *
 * pandoc does the Markdown → RST conversion. Around it we add only what it cannot know: the labels and
 * titles of the layout, GitHub alerts (`> [!NOTE]`, which its Markdown reader does not know) as
 * admonitions, code blocks as Sphinx's `code-block` with a language Sphinx has, and Onramp's own
 * links (`/faq/<id>` becomes a `:ref:` when that entry is exported, other paths absolute addresses).
 */

const ADMONITIONS: Record<string, string> = { note: 'note', tip: 'tip', important: 'important', warning: 'warning', caution: 'caution', release: 'note' };

/** Languages Sphinx's highlighter (Pygments) knows by these names; anything else is shown plain. */
const LEXERS: Record<string, string> = {
  bash: 'bash', sh: 'bash', shell: 'bash', zsh: 'bash', console: 'console', yaml: 'yaml', yml: 'yaml', json: 'json',
  ini: 'ini', python: 'python', diff: 'diff', xml: 'xml', dockerfile: 'dockerfile', go: 'go', javascript: 'javascript',
  typescript: 'typescript', sql: 'sql', makefile: 'makefile',
};

const deploymentName = (d: string) => (d === 'any' ? 'any' : (VARIANT_DIMENSIONS.deployment[d] ?? d));
const indent = (s: string) => s.split('\n').map((l) => (l.trim() ? `   ${l}` : '')).join('\n');

/**
 * RST written as is. pandoc's writer ends no raw block with a blank line, and RST needs one after a
 * directive: an empty paragraph after it makes the writer put one there.
 */
const rst = (s: string): PNode[] => [rawBlock('rst', s), para([])];

/** A code block as Sphinx writes it: the directive, its language, the code indented. */
function codeBlockRst(source: string, lang: string): PNode[] {
  return rst(`.. code-block:: ${LEXERS[lang.toLowerCase()] ?? 'none'}\n\n${indent(source.replace(/\s+$/, ''))}`);
}

const rubric = (title: string) => rst(`.. rubric:: ${title}`);

/** `> [!NOTE]` … as the admonition it means; any other block quote stays one. */
function alertToAdmonition(quote: PNode): PNode | undefined {
  const blocks = quote.c as PNode[];
  const first = blocks[0];
  if (!first || (first.t !== 'Para' && first.t !== 'Plain')) return undefined;
  const inlines = first.c as PNode[];
  const m = inlines[0]?.t === 'Str' ? /^\[!([A-Za-z]+)\]$/.exec(inlines[0].c as string) : null;
  const kind = m ? ADMONITIONS[m[1]!.toLowerCase()] : undefined;
  if (!kind) return undefined;
  let rest = inlines.slice(1);
  while (rest[0] && ['SoftBreak', 'LineBreak', 'Space'].includes(rest[0].t)) rest = rest.slice(1);
  const body = [...(rest.length ? [{ t: first.t, c: rest }] : []), ...blocks.slice(1)];
  if (m![1]!.toLowerCase() === 'release') body.unshift(para([strong(text('On other releases:'))]));
  return div('', [kind], body);
}

/**
 * pandoc escapes RST's inline-markup characters only where a word starts (a `*` inside
 * `['*.example.com']` would open an emphasis that never ends, which Sphinx warns about): each of
 * them is made to start a word of its own, so every one is escaped and the text reads as written.
 */
function escapeMarkupChars(n: PNode): PNode[] | undefined {
  if (n.t !== 'Str' || !/.[*`|_]/.test(n.c as string)) return undefined;
  return (n.c as string).split(/(?=[*`|_])/).map((part) => ({ t: 'Str', c: part }));
}

/** Tags Onramp's sanitizer keeps the text of: dropped, their text stays. */
const FORMATTING_TAG = /^<\/?(b|i|em|strong|code|kbd|samp|var|sup|sub|br|span|div|p|u|s|del|ins|small|mark)\b[^>]*>$/i;

/**
 * Raw HTML has no place in the docs. Formatting tags go (their text stays); anything else is what the
 * author meant to show, such as a placeholder like `<host>`, and is kept as text.
 */
function rawHtmlAsText(n: PNode): PNode[] | undefined {
  const [format, raw] = n.c as [string, string];
  if (format !== 'html') return undefined;
  if (FORMATTING_TAG.test(raw.trim()) || /^<!--[\s\S]*-->$/.test(raw.trim())) return [];
  return n.t === 'RawInline' ? text(raw) : [para(text(raw))];
}

interface LinkContext {
  baseUrl: string;
  exported: Set<string>;
}

/** What pandoc cannot know about an entry's Markdown once it is read: see the module comment. */
function adaptForDocs(blocks: PNode[], ctx: LinkContext): PNode[] {
  return transform(adaptStructure(blocks, ctx), escapeMarkupChars);
}

function adaptStructure(blocks: PNode[], ctx: LinkContext): PNode[] {
  return transform(blocks, (n) => {
    switch (n.t) {
      case 'RawInline':
      case 'RawBlock':
        return rawHtmlAsText(n);
      case 'BlockQuote':
        return alertToAdmonition(n);
      case 'CodeBlock': {
        const [[, classes], source] = n.c as [[string, string[]], string];
        return codeBlockRst(source, classes[0] ?? '');
      }
      // Headings inside an entry would clash with the page's own sections: they become bold lines.
      case 'Header':
        return para([strong(n.c[2] as PNode[])]);
      // Sphinx warns on remote images (and -W makes that an error): the docs get a link instead.
      case 'Image': {
        const [, alt, [url]] = n.c as [unknown, PNode[], [string]];
        return link(alt.length ? alt : text(url), url);
      }
      case 'Link': {
        const [, inlines, [url]] = n.c as [unknown, PNode[], [string]];
        const faq = /^\/faq\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?(?:#.*)?$/.exec(url);
        if (faq && ctx.exported.has(faq[1]!)) {
          const label = stringify(inlines).replace(/[\\`<>]/g, (c) => `\\${c}`);
          // `\ ` on both sides lets the role touch the words around it (RST's inline-markup rules).
          return rawInline('rst', `\\ :ref:\`${label || faq[1]} <faq-${faq[1]}>\`\\ `);
        }
        if (url.startsWith('/') && !url.startsWith('//')) return link(inlines, new URL(url, ctx.baseUrl).href);
        return undefined;
      }
      default:
        return undefined;
    }
  });
}

/** Markdown texts read by one pandoc run, each on its own (see pandoc-fragments.lua). */
async function readFragments(texts: string[]): Promise<PNode[][]> {
  const doc: PandocDoc = {
    'pandoc-api-version': await pandocApiVersion(),
    meta: {},
    blocks: texts.map((t, i) => div(`f${i}`, [], [rawBlock('gfm', t)])),
  };
  const out = JSON.parse(await pandoc(JSON.stringify(doc), { from: 'json', to: 'json', filters: [FRAGMENTS_FILTER], timeoutMs: 120_000 })) as PandocDoc;
  const byId = new Map(out.blocks.map((b) => [(b.c as [[string]])[0][0], (b.c as [unknown, PNode[]])[1]]));
  return texts.map((_, i) => byId.get(`f${i}`) ?? []);
}

function entryBlocks(e: FaqEntry, cause: PNode[], fix: PNode[], people: People): PNode[] {
  const who = people.names(e.authors);
  const facts: PNode[] = [
    emph(text('Deployment:')), ...text(` ${e.deployment.map(deploymentName).join(', ')}. `),
    emph(text('Releases:')), ...text(` ${e.releases}. `),
    emph(text('Updated:')), ...text(` ${e.updatedAt.slice(0, 10)}${who.length ? ` by ${who.join(', ')}` : ''}.`),
  ];
  const sources = e.sources.map((s) => [{ t: 'Plain', c: [/^https:\/\//.test(s) ? link(text(s), s) : code(s)] }]);
  return [
    header(2, `faq-${e.id}`, transform(text(e.title), escapeMarkupChars)),
    para(facts),
    ...(e.errorText.trim() ? [...rubric('What you see'), ...codeBlockRst(e.errorText, '')] : []),
    ...rubric('Cause'),
    ...cause,
    ...rubric('Fix'),
    ...fix,
    ...(sources.length ? [...rubric('Sources'), bulletList(sources)] : []),
  ];
}

const adorned = (title: string, ch: string) => `${ch.repeat(title.length)}\n${title}\n${ch.repeat(title.length)}`;

const GENERATED = '.. This page is written by Onramp (npm run faq:export -- --format rst). Change the entries\n   in Onramp and export again rather than editing it here.';

/**
 * The files of the export, by path: `index.rst` and `<phase>.rst` for each phase with entries.
 * `baseUrl` makes Onramp's own links absolute.
 */
export async function exportFaqRst(entries: FaqEntry[], people: People, opts: { baseUrl: string }): Promise<Map<string, string>> {
  const approved = entries.filter((e) => e.status === 'approved').sort((a, b) => a.title.localeCompare(b.title));
  const ctx: LinkContext = { baseUrl: opts.baseUrl, exported: new Set(approved.map((e) => e.id)) };
  const read = await readFragments(approved.flatMap((e) => [e.cause, e.fix]));
  const files = new Map<string, string>();
  const version = await pandocApiVersion();
  const pages: string[] = [];

  for (const phase of PHASES) {
    const group = approved.map((e, i) => ({ e, i })).filter(({ e }) => e.phase === phase);
    if (!group.length) continue;
    const title = PHASE_TITLES[phase] ?? phase;
    const blocks: PNode[] = [
      ...rst(GENERATED),
      ...rst(`.. _faq-phase-${phase}:\n\n${adorned(title, '=')}`),
      para(text(`${group.length} ${group.length === 1 ? 'problem' : 'problems'} met while ${title.toLowerCase()}, as newcomers reported them and Onramp's maintainers reviewed them.`)),
      ...rst('.. contents::\n   :local:\n   :depth: 1'),
      ...group.flatMap(({ e, i }) => entryBlocks(e, adaptForDocs(read[2 * i]!, ctx), adaptForDocs(read[2 * i + 1]!, ctx), people)),
    ];
    files.set(`${phase}.rst`, await writeDoc({ 'pandoc-api-version': version, meta: {}, blocks }, 'rst', ['--columns=79']));
    pages.push(phase);
  }

  const heading = 'StarlingX install troubleshooting';
  files.set('index.rst', [
    GENERATED,
    '',
    '.. _faq-index:',
    '',
    adorned(heading, '='),
    '',
    `${approved.length} ${approved.length === 1 ? 'problem' : 'problems'} newcomers met while installing StarlingX, with their`,
    'causes and fixes, grouped by install phase.',
    '',
    '.. toctree::',
    '   :maxdepth: 2',
    '',
    ...pages.map((p) => `   ${p}`),
    '',
  ].join('\n'));
  return files;
}
