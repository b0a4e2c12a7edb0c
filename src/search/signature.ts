import { compilePattern, literalPattern, type Pattern } from '../lib/patterns.ts';
import { denoise } from './log-features.ts';
import { anchorsOf, type Anchor } from './regex-anchors.ts';

/**
 * Error signatures: patterns that identify an entry exactly. Running two thousand regexes over a 64 KB
 * paste would take tens of milliseconds, so each signature carries anchors (words any match contains,
 * see regex-anchors.ts) and runs only when the paste has every anchor of one of its alternatives.
 */
export interface Signature {
  re: Pattern;
  anchors: Anchor[][] | null;
}

/** A signature from a maintainer-written pattern (refused if RE2 cannot run it). */
export function compileSignature(source: string): Signature {
  return { re: compilePattern(source), anchors: anchorsOf(source) };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * An implicit signature from an entry's exact error text: its most distinctive line, matched literally
 * with any run of spaces. Literal patterns cannot backtrack, so they skip the safety check.
 */
export function errorTextSignature(errorText: string): Signature | undefined {
  const line = denoise(errorText)
    .split('\n')
    .filter((l) => /[A-Za-z]{3}/.test(l))
    .sort((a, b) => b.length - a.length)[0]
    ?.slice(0, 200)
    .trim();
  if (!line || line.length < 12) return undefined;
  const source = line.split(/\s+/).map(escapeRe).join('\\s+');
  return { re: literalPattern(line), anchors: anchorsOf(source) };
}

/** The tokens of a paste, arranged for anchor checks: whole words, prefixes, suffixes, substrings. */
export interface TextIndex {
  text: string;
  words: Set<string>;
  sorted: string[];
  reversed: string[];
  vocab: string;
}

export function indexText(text: string): TextIndex {
  const words = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z0-9_]+/g)) words.add(m[0].toLowerCase());
  const sorted = [...words].sort();
  const reversed = sorted.map((w) => [...w].reverse().join('')).sort();
  return { text, words, sorted, reversed, vocab: `\n${sorted.join('\n')}\n` };
}

function hasPrefix(sorted: string[], prefix: string): boolean {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]!.startsWith(prefix);
}

function present(a: Anchor, t: TextIndex): boolean {
  switch (a.kind) {
    case 'word': return t.words.has(a.word);
    case 'prefix': return hasPrefix(t.sorted, a.word);
    case 'suffix': return hasPrefix(t.reversed, [...a.word].reverse().join(''));
    default: return t.vocab.includes(a.word);
  }
}

export function signatureMatches(sig: Signature, t: TextIndex): boolean {
  if (sig.anchors && !sig.anchors.some((alt) => alt.every((a) => present(a, t)))) return false;
  return sig.re.test(t.text);
}
