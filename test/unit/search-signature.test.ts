import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { compileSignature, errorTextSignature, indexText, signatureMatches } from '../../src/search/signature.ts';
import { anchorsOf } from '../../src/search/regex-anchors.ts';
import { denoise } from '../../src/search/log-features.ts';
import { loadFaqSeed } from '../../src/content/faq-seed.ts';

const SEED = join(import.meta.dirname, '..', '..', 'seed');

describe('error signatures', () => {
  const words = (source: string) => anchorsOf(source)?.map((alt) => alt.map((a) => `${a.kind}:${a.word}`));

  it('when a pattern is a phrase, then its words become anchors: whole inner words, and the ends as prefix or suffix', () => {
    expect(words('Temporary failure in name resolution|Could not resolve host')).toEqual([
      ['suffix:temporary', 'word:failure', 'word:in', 'word:name', 'prefix:resolution'],
      ['suffix:could', 'word:not', 'word:resolve', 'prefix:host'],
    ]);
    expect(words('\\b200\\.001\\b')).toEqual([['word:200', 'word:001']]);
    expect(words('toomanyrequests')).toEqual([['inner:toomanyrequests']]);
    expect(words('PXE-E\\d\\d')).toEqual([['suffix:pxe', 'prefix:e']]);
  });

  it('when a word is optional, repeated or inside a group, then it is no anchor; with none left the pattern always runs', () => {
    expect(words('failures? in x')).toEqual([['word:in', 'prefix:x', 'inner:failure']]);
    expect(words('a (b|c) d')).toEqual([['suffix:a', 'prefix:d']]);
    expect(anchorsOf('(?:ab|cd)')).toBeNull();
    expect(anchorsOf('\\x41bc def')).toBeNull();
    expect(anchorsOf('a|[0-9]+')).toBeNull();
  });

  it('when the anchors are absent from the paste, then the pattern is not run; when present, it decides', () => {
    const sig = compileSignature('E0042 controller');
    const hit = indexText('xx XE0042 controllers yy');
    const miss = indexText('E0043 controller');
    expect(signatureMatches(sig, hit)).toBe(true);
    expect(signatureMatches(sig, miss)).toBe(false);
    expect(signatureMatches(compileSignature('toomanyrequests'), indexText('error: TOOMANYREQUESTS: rate limit'))).toBe(true);
  });

  it('when a pattern needs what the linear-time engine lacks, then it is refused with the reason', () => {
    expect(() => compileSignature('error(?!: none)')).toThrow(/look-ahead/);
  });

  it('when the paste holds a seed entry\'s error text, then the prefilter never hides a signature that matches', () => {
    for (const e of loadFaqSeed(SEED)) {
      if (!e.errorText) continue;
      const text = denoise(`2024-01-01T00:00:00Z noise before\n${e.errorText}\nnoise after 10.0.0.1`);
      const t = indexText(text);
      const sigs = e.signatures.map(compileSignature);
      const implicit = errorTextSignature(e.errorText);
      for (const s of [...sigs, ...(implicit ? [implicit] : [])]) {
        expect(signatureMatches(s, t)).toBe(s.re.test(text));
      }
      expect([...sigs, implicit].some((s) => s && signatureMatches(s, t)), e.id).toBe(true);
    }
  });

  it('when the error text has spaces and punctuation, then its signature matches it literally with any spacing', () => {
    const sig = errorTextSignature('The connection to the server localhost:8080 was refused - did you specify the right host or port?')!;
    const text = 'x\nThe connection to the  server localhost:8080 was refused - did you specify the right host or port?\n';
    expect(signatureMatches(sig, indexText(text))).toBe(true);
    expect(signatureMatches(sig, indexText('The connection to the server'))).toBe(false);
    expect(errorTextSignature('short')).toBeUndefined();
  });
});
