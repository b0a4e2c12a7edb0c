import type { Content } from '../content/content-loader.ts';
import type { SearchDoc } from './search-index.ts';

/** What the index needs from an FAQ entry (the FAQ feature's record satisfies it). */
export interface IndexableEntry {
  id: string;
  title: string;
  errorText: string;
  tags: string[];
  deployment: string[];
  phase: string;
  releases: string;
  signatures: string[];
  causeHtml: string;
  fixHtml: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Text of rendered HTML, for indexing and snippets only (the snippet escapes it again). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<button[^>]*>[\s\S]*?<\/button>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : ' ';
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

export function entryDoc(entry: IndexableEntry): SearchDoc {
  return {
    id: `faq:${entry.id}`,
    kind: 'faq',
    ref: entry.id,
    url: `/faq/${entry.id}`,
    title: entry.title,
    errorText: entry.errorText,
    tags: entry.tags.join(' '),
    body: `${htmlToText(entry.causeHtml)} ${htmlToText(entry.fixHtml)}`.slice(0, 40_000),
    deployment: entry.deployment,
    phase: entry.phase,
    releases: entry.releases,
  };
}

/** Workshops, their steps and the guides, as documents. */
export function contentDocs(content: Content): SearchDoc[] {
  const docs: SearchDoc[] = [];
  for (const w of content.workshops.values()) {
    docs.push({
      id: `workshop:${w.slug}`,
      kind: 'workshop',
      ref: w.slug,
      url: `/workshops/${w.slug}`,
      title: w.title,
      errorText: '',
      tags: w.tags.join(' '),
      body: `${w.summary} ${htmlToText(w.html)}`,
      deployment: [w.deployment],
      releases: w.release,
    });
    for (const s of w.steps) {
      docs.push({
        id: `step:${w.slug}/${s.id}`,
        kind: 'step',
        ref: `${w.slug}/${s.id}`,
        url: `/workshops/${w.slug}/steps/${s.id}`,
        title: `${s.title} (${w.title})`,
        errorText: '',
        tags: s.faqTags.join(' '),
        body: htmlToText(s.html),
        deployment: [w.deployment],
        phase: s.phase,
        releases: w.release,
        });
    }
  }
  for (const g of content.guides.values()) {
    docs.push({
      id: `guide:${g.slug}`,
      kind: 'guide',
      ref: g.slug,
      url: `/guides/${g.slug}`,
      title: g.title,
      errorText: '',
      tags: g.tags.join(' '),
      body: `${g.summary} ${htmlToText(g.html)}`,
    });
  }
  return docs;
}
