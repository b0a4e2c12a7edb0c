import { compilePattern, literalSource, patternSet, PatternError, type Pattern } from '../lib/patterns.ts';
import { denoise, tailOf, type LogFeatures } from './log-features.ts';
import { shingles } from './fingerprint.ts';

/** What the evidence index needs of an FAQ entry. */
export interface EvidenceEntry {
  id: string;
  title: string;
  errorText: string;
  signatures: string[];
  /** The entry's prose (cause and fix), only to learn how common each word is. */
  body?: string;
}

/** Why an entry matches a query, strongest first. */
export interface Evidence {
  /** How many of its error signatures (its own patterns, and its error text's most telling line) occur. */
  signatures: number;
  /**
   * How telling the text its signatures matched is: the rarity (inverse document frequency over every
   * entry) of the words in it, summed. "fatal: [localhost]: FAILED!" says little; "lookup quay.io on
   * …:53: i/o timeout" says a lot.
   */
  signatureInfo: number;
  /** An alarm id of the query that the entry is about (in its id or title). */
  alarm?: string;
  /** An alarm id of the query that the entry only mentions (its error text or signatures). */
  alarmMention?: string;
  /** Share of the fingerprint triples of the entry's error text found in the query's error lines (0–1). */
  containment: number;
  /** The rarity of the words of those shared triples, summed (as for signatureInfo). */
  containmentInfo: number;
}

interface Signature {
  owner: string;
  pattern: Pattern;
  /** Explicit patterns are matched on the paste as printed; an error text's line on the denoised paste. */
  on: 'raw' | 'denoised';
}

interface Indexed {
  id: string;
  alarms: Set<string>;
  mentions: Set<string>;
  shingles: Set<string>;
  tokens: Set<string>;
}

const ALARM_IN_ID = /^alarm-(\d{3})-(\d{3})\b/;
const INFO_WORD = /[a-z][a-z0-9_.-]{1,40}/g;

/** Words for weighing evidence: lower case, digits as #, nothing else replaced. */
const infoTokens = (text: string) => (text.toLowerCase().replace(/\d+/g, '#').match(INFO_WORD) ?? []).map((w) => w.replace(/[.-]+$/, ''));

/**
 * Words every failing run prints whatever went wrong (Ansible's frame: the fatal line, the recap, the
 * retries): a match made only of them tells which tool failed, not why, so they weigh nothing.
 */
const FRAMING = new Set(['fatal', 'failed', 'failure', 'error', 'errors', 'localhost', 'ok', 'changed', 'unreachable', 'skipped', 'skipping', 'rescued', 'ignored', 'item', 'play', 'recap', 'task', 'retrying', 'retries', 'left', 'msg', 'rc', 'stderr', 'stdout', 'non-zero', 'return', 'code']);
const ALARM = /\b\d{3}\.\d{3}\b/g;

/** The most telling line of an error text (the longest with words). */
function tellingLine(errorText: string): string | undefined {
  const line = denoise(errorText)
    .split('\n')
    .filter((l) => /[A-Za-z]{3}/.test(l))
    .sort((a, b) => b.length - a.length)[0]
    ?.slice(0, 200)
    .trim();
  return line && line.length >= 12 ? line : undefined;
}

/** The paste as printed, only made comparable: terminal colours, CRs and runs of spaces gone. */
export function normalizeRaw(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[^\S\n]+/g, ' ');
}

/**
 * The strong evidence that an FAQ entry answers a paste, kept beside the full-text index: its error
 * signatures (all matched in one pass over the paste, on RE2 sets), the alarm ids it is about, and the
 * fingerprints of its error text, each weighed by how rare its words are among all entries, so that a
 * catch-all entry matching every bootstrap failure does not outrank the one about this failure.
 * Entries are few (thousands) and change rarely; the sets and weights are rebuilt lazily after a change.
 */
export class EvidenceIndex {
  private readonly entries = new Map<string, Indexed>();
  private readonly signatures = new Map<string, Signature[]>();
  private readonly byShingle = new Map<string, Set<string>>();
  private readonly byAlarm = new Map<string, Set<string>>();
  private readonly df = new Map<string, number>();
  private compiled: { raw: ReturnType<typeof patternSet>; rawSigs: Signature[]; den: ReturnType<typeof patternSet>; denSigs: Signature[] } | undefined;
  private subsumers = new Map<string, Set<string>>();

  upsert(e: EvidenceEntry): void {
    this.remove(e.id);
    const alarms = new Set<string>();
    const idAlarm = ALARM_IN_ID.exec(e.id);
    if (idAlarm) alarms.add(`${idAlarm[1]}.${idAlarm[2]}`);
    for (const a of e.title.match(ALARM) ?? []) alarms.add(a);
    const mentions = new Set<string>([...(e.errorText.match(ALARM) ?? []), ...e.signatures.flatMap((s) => s.replace(/\\\./g, '.').match(ALARM) ?? [])]);
    const own = new Set(denoise(e.errorText).split('\n').flatMap(shingles));
    const tokens = new Set(infoTokens(`${e.title}\n${e.errorText}\n${(e.body ?? '').slice(0, 20_000)}`));
    this.entries.set(e.id, { id: e.id, alarms, mentions, shingles: own, tokens });
    for (const t of tokens) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    for (const s of own) (this.byShingle.get(s) ?? this.byShingle.set(s, new Set()).get(s)!).add(e.id);
    for (const a of [...alarms, ...mentions]) (this.byAlarm.get(a) ?? this.byAlarm.set(a, new Set()).get(a)!).add(e.id);
    const sigs: Signature[] = [];
    for (const s of e.signatures) {
      try {
        sigs.push({ owner: e.id, pattern: compilePattern(s), on: 'raw' });
      } catch (err) {
        if (!(err instanceof PatternError)) throw err; // checked when saved: one that no longer compiles is skipped
      }
    }
    const line = tellingLine(e.errorText);
    if (line) sigs.push({ owner: e.id, pattern: compilePattern(literalSource(line).slice(0, 300)), on: 'denoised' });
    this.signatures.set(e.id, sigs);
    this.changed();
  }

  remove(id: string): void {
    const old = this.entries.get(id);
    if (!old) return;
    for (const s of old.shingles) this.byShingle.get(s)?.delete(id);
    for (const a of [...old.alarms, ...old.mentions]) this.byAlarm.get(a)?.delete(id);
    for (const t of old.tokens) {
      const n = (this.df.get(t) ?? 1) - 1;
      if (n > 0) this.df.set(t, n);
      else this.df.delete(t);
    }
    this.entries.delete(id);
    this.signatures.delete(id);
    this.changed();
  }

  private changed(): void {
    this.compiled = undefined;
    this.subsumers.clear();
  }

  /** How rare a word is among the entries: ln((N + 1) / (df + 1)); a word no entry uses is not evidence. */
  private idf(token: string): number {
    const df = this.df.get(token);
    return df ? Math.log((this.entries.size + 1) / (df + 1)) : 0;
  }

  /** The summed rarity of a text's words (quoted names included: in a match they are often the point). */
  private info(text: string): number {
    let sum = 0;
    for (const t of new Set(infoTokens(text))) if (!FRAMING.has(t)) sum += this.idf(t);
    return sum;
  }

  private sets() {
    if (!this.compiled) {
      const all = [...this.signatures.values()].flat();
      const rawSigs = all.filter((s) => s.on === 'raw');
      const denSigs = all.filter((s) => s.on === 'denoised');
      this.compiled = {
        raw: patternSet(rawSigs.map((s) => s.pattern.source)),
        rawSigs,
        den: patternSet(denSigs.map((s) => s.pattern.source)),
        denSigs,
      };
    }
    return this.compiled;
  }

  /**
   * Entries whose error text holds every fingerprint of `id`'s and more (a catch-all "the bootstrap
   * failed" entry is subsumed by "the bootstrap failed on DNS"). Cached until the entries change.
   */
  subsumedBy(id: string): Set<string> {
    let found = this.subsumers.get(id);
    if (found) return found;
    found = new Set();
    const own = this.entries.get(id)?.shingles ?? new Set<string>();
    if (own.size > 0) {
      let candidates: Set<string> | undefined;
      for (const s of own) {
        const holders = this.byShingle.get(s) ?? new Set<string>();
        candidates = candidates ? new Set([...candidates].filter((c) => holders.has(c))) : new Set(holders);
        if (candidates.size === 0) break;
      }
      for (const c of candidates ?? []) if (c !== id && this.entries.get(c)!.shingles.size > own.size) found.add(c);
    }
    this.subsumers.set(id, found);
    return found;
  }

  /** The evidence for every entry that has some, for a paste (`raw`) read as `features`. */
  collect(raw: string, features: LogFeatures, allowed: (id: string) => boolean): Map<string, Evidence> {
    const out = new Map<string, Evidence>();
    const of = (id: string) => out.get(id) ?? out.set(id, { signatures: 0, signatureInfo: 0, containment: 0, containmentInfo: 0 }).get(id)!;
    const { raw: rawSet, rawSigs, den: denSet, denSigs } = this.sets();
    const printed = normalizeRaw(tailOf(raw));
    const spans = new Map<string, string[]>();
    const hit = (sig: Signature, text: string) => {
      if (!allowed(sig.owner)) return;
      of(sig.owner).signatures += 1;
      const m = sig.pattern.exec(text);
      (spans.get(sig.owner) ?? spans.set(sig.owner, []).get(sig.owner)!).push(m?.[0] ?? '');
    };
    for (const i of rawSet.match(printed)) hit(rawSigs[i]!, printed);
    for (const i of denSet.match(features.text)) hit(denSigs[i]!, features.text);
    for (const [id, list] of spans) of(id).signatureInfo = this.info(list.join(' '));

    for (const alarm of features.alarmIds) {
      for (const id of this.byAlarm.get(alarm) ?? []) {
        if (!allowed(id)) continue;
        const e = this.entries.get(id)!;
        if (e.alarms.has(alarm)) of(id).alarm ??= alarm;
        else of(id).alarmMention ??= alarm;
      }
    }

    const lines = features.errorLines.length ? features.errorLines : features.text.split('\n').slice(0, 40);
    const query = new Set(lines.flatMap(shingles));
    const shared = new Map<string, string[]>();
    for (const s of query) for (const id of this.byShingle.get(s) ?? []) (shared.get(id) ?? shared.set(id, []).get(id)!).push(s);
    for (const [id, list] of shared) {
      if (!allowed(id)) continue;
      const e = of(id);
      e.containment = list.length / this.entries.get(id)!.shingles.size;
      e.containmentInfo = this.info(list.join(' '));
    }
    return out;
  }
}
