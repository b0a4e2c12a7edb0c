/**
 * pandoc's document tree as its JSON format has it (`{"t": "Para", "c": [...]}`): the few builders
 * and the one tree walk that the FAQ's Markdown ⇄ reStructuredText conversions need.
 */

export interface PNode {
  t: string;
  c?: any;
}

export interface PandocDoc {
  'pandoc-api-version': number[];
  meta: Record<string, unknown>;
  blocks: PNode[];
}

export type Attr = [string, string[], [string, string][]];

export const attr = (id = '', classes: string[] = []): Attr => [id, classes, []];

/** Text as inlines: words and spaces, so the writer escapes each word as its format needs. */
export function text(s: string): PNode[] {
  const out: PNode[] = [];
  for (const part of s.split(/(\s+)/)) {
    if (part === '') continue;
    out.push(/^\s+$/.test(part) ? { t: 'Space' } : { t: 'Str', c: part });
  }
  return out;
}

export const para = (inlines: PNode[]): PNode => ({ t: 'Para', c: inlines });
export const strong = (inlines: PNode[]): PNode => ({ t: 'Strong', c: inlines });
export const emph = (inlines: PNode[]): PNode => ({ t: 'Emph', c: inlines });
export const code = (s: string): PNode => ({ t: 'Code', c: [attr(), s] });
export const link = (inlines: PNode[], url: string): PNode => ({ t: 'Link', c: [attr(), inlines, [url, '']] });
export const header = (level: number, id: string, inlines: PNode[]): PNode => ({ t: 'Header', c: [level, attr(id), inlines] });
export const div = (id: string, classes: string[], blocks: PNode[]): PNode => ({ t: 'Div', c: [attr(id, classes), blocks] });
export const rawBlock = (format: string, s: string): PNode => ({ t: 'RawBlock', c: [format, s] });
export const rawInline = (format: string, s: string): PNode => ({ t: 'RawInline', c: [format, s] });
export const codeBlock = (s: string, lang = ''): PNode => ({ t: 'CodeBlock', c: [attr('', lang ? [lang] : []), s] });
export const bulletList = (items: PNode[][]): PNode => ({ t: 'BulletList', c: items });

const isNode = (v: unknown): v is PNode => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as PNode).t === 'string';

/**
 * Rebuilds a tree bottom-up: `fn` sees each node with its children already rebuilt and answers a
 * replacement (a node, or a list spliced in its place; `[]` removes it) or undefined to keep it.
 */
export function transform<T>(tree: T, fn: (n: PNode) => PNode | PNode[] | undefined): T {
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        const mapped = visit(item);
        if (isNode(item) && Array.isArray(mapped)) out.push(...mapped);
        else out.push(mapped);
      }
      return out;
    }
    if (!isNode(v)) return v;
    const rebuilt: PNode = v.c === undefined ? { t: v.t } : { t: v.t, c: visit(v.c) };
    return fn(rebuilt) ?? rebuilt;
  };
  return visit(tree) as T;
}

/** The plain text of inlines or blocks (what a title or a label says). */
export function stringify(nodes: PNode[] | PNode): string {
  let out = '';
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isNode(v)) return;
    switch (v.t) {
      case 'Str':
        out += v.c as string;
        return;
      case 'Space':
      case 'SoftBreak':
      case 'LineBreak':
        out += ' ';
        return;
      case 'Code':
      case 'Math':
        out += (v.c as [unknown, string])[1];
        return;
      case 'CodeBlock':
        out += `${(v.c as [unknown, string])[1]}\n`;
        return;
      case 'RawInline':
      case 'RawBlock':
        return;
      case 'Para':
      case 'Plain':
        visit(v.c);
        out += '\n';
        return;
      default:
        visit(v.c);
    }
  };
  visit(nodes);
  return out.replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n').trim();
}
