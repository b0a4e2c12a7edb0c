/**
 * Anchors of a regular expression: words that any match must contain, read conservatively from the
 * pattern's source. A word bounded on both sides by non-word characters is a whole token of the text; a
 * word bounded on one side is the start or the end of a token; any other literal word is inside one.
 */
export type AnchorKind = 'word' | 'prefix' | 'suffix' | 'inner';
export interface Anchor {
  word: string;
  kind: AnchorKind;
}

type Item = 'W' | 'N' | 'B' | 'X';
interface Parsed { items: Item[]; chars: string[] }

const WORD = /[A-Za-z0-9_]/;

function splitAlternatives(src: string): string[] | null {
  const out: string[] = [];
  let depth = 0, inClass = false, start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) { out.push(src.slice(start, i)); start = i + 1; }
  }
  if (depth !== 0 || inClass) return null;
  out.push(src.slice(start));
  return out;
}

/** Skips a balanced group or class starting at i; returns the index of its last character. */
function skipBlock(s: string, i: number): number {
  let depth = 0, inClass = false;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') { inClass = false; if (depth === 0) return i; } continue; }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return s.length;
}

function parse(alt: string): Parsed | null {
  const items: Item[] = [];
  const chars: string[] = [];
  const push = (it: Item, ch = '') => { items.push(it); chars.push(ch); };
  for (let i = 0; i < alt.length; i++) {
    const c = alt[i]!;
    if (c === '\\') {
      const e = alt[i + 1];
      i++;
      if (e === undefined) return null;
      if (e === 'b' || e === 'n') push(e === 'b' ? 'B' : 'N');
      else if ('sWtrfv'.includes(e)) push('N');
      else if ('BSwdD'.includes(e)) push('X');
      else if (WORD.test(e)) return null; // \x41, \u…, \p{…}, back-references: give up
      else push('N', e);
    } else if (c === '[' || c === '(') {
      i = skipBlock(alt, i);
      push('X');
    } else if (c === '.') push('X');
    else if (c === '^' || c === '$') push('B');
    else if (c === '*' || c === '+' || c === '?' || c === '{') {
      const q = c === '{' ? /^\{(\d+)(,\d*)?\}/.exec(alt.slice(i)) : null;
      if (c === '{' && !q) { push('N', c); continue; }
      const min = c === '+' ? 1 : q ? Number(q[1]) : 0;
      if (q) i += q[0].length - 1;
      if (alt[i + 1] === '?') i++;
      const last = items.length - 1;
      if (last < 0) return null;
      if (items[last] === 'W' || (items[last] === 'N' && min < 1)) items[last] = 'X';
    } else if (WORD.test(c)) push('W', c);
    else push('N', c);
  }
  return { items, chars };
}

function anchorsOfAlternative(alt: string): Anchor[] {
  const p = parse(alt);
  if (!p) return [];
  const out: Anchor[] = [];
  let inner: Anchor | undefined;
  for (let i = 0; i < p.items.length; i++) {
    if (p.items[i] !== 'W') continue;
    let j = i;
    while (j < p.items.length && p.items[j] === 'W') j++;
    const left = p.items[i - 1] === 'N' || p.items[i - 1] === 'B';
    const right = p.items[j] === 'N' || p.items[j] === 'B';
    const word = p.chars.slice(i, j).join('').toLowerCase();
    const kind: AnchorKind = left && right ? 'word' : left ? 'prefix' : right ? 'suffix' : 'inner';
    // Inner words cost a substring search each: keep only the longest.
    if (kind !== 'inner') out.push({ word, kind });
    else if (!inner || word.length > inner.word.length) inner = { word, kind };
    i = j;
  }
  if (inner) out.push(inner);
  return out.filter((a, k) => out.findIndex((b) => b.word === a.word && b.kind === a.kind) === k);
}

/** Per top-level alternative, the anchors of a match; null when the pattern must always be tried. */
export function anchorsOf(source: string): Anchor[][] | null {
  const alts = splitAlternatives(source);
  if (!alts) return null;
  const anchors: Anchor[][] = [];
  for (const alt of alts) {
    const a = anchorsOfAlternative(alt);
    if (!a.length) return null;
    anchors.push(a);
  }
  return anchors;
}
