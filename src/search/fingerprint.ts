/**
 * Fingerprints of error lines, as error-lookup systems make them (Sentry's grouping, apport's crash
 * signatures): the words of a line with what varies between two occurrences of the same failure
 * replaced by a placeholder (numbers, hex ids, paths, quoted names), then cut into overlapping word
 * triples. Two lines printed by the same code share most of their triples, whatever host, disk, path
 * or count they name. Every pattern here is linear (no nested or overlapping quantifiers).
 */
const PATH = /(?:~|\.{1,2})?\/[\w.@%+~/-]{1,200}/g;
const HEX = /\b(?=[0-9a-f]{0,63}[a-f])(?=[0-9a-f]{0,63}\d)[0-9a-f]{7,64}\b/g;
const DIGITS = /\d+/g;
const QUOTED = /(['"`])[^'"`\n]{1,80}\1/g;
const WORD = /[a-z#][a-z0-9#_.-]{0,40}/g;
const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'it', 'this', 'that', 'with', 'as', 'at', 'by', 'from', 'was', 'not']);

/** The line's words with their variable parts replaced: `controller-1`, `/dev/sdb` and `'sdb'` all lose what differs. */
export function fingerprintTokens(line: string): string[] {
  const flat = line
    .toLowerCase()
    .replace(QUOTED, ' q ')
    .replace(PATH, ' path ')
    .replace(HEX, ' hex ')
    .replace(DIGITS, '#');
  return (flat.match(WORD) ?? []).map((w) => w.replace(/[.-]+$/, '')).filter((w) => w.length > 1 && !STOP.has(w));
}

/** Overlapping word triples of a line's fingerprint (pairs for a two-word line). */
export function shingles(line: string): string[] {
  const t = fingerprintTokens(line);
  if (t.length < 2) return [];
  if (t.length === 2) return [`${t[0]} ${t[1]}`];
  const out: string[] = [];
  for (let i = 0; i + 2 < t.length; i++) out.push(`${t[i]} ${t[i + 1]} ${t[i + 2]}`);
  return out;
}
