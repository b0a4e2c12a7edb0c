import RE2 from 're2';

/**
 * Patterns written by people (checkpoint `expect` and `hints` in content, FAQ error signatures) and
 * applied to text anyone can paste. They run on RE2, whose matching time is linear in the input
 * whatever the pattern: no pattern, however written, can make a paste stall the server. RE2 has no
 * look-around and no back-references; a pattern that uses them is refused when it is loaded, with
 * RE2's reason, so `npm run content:check` and the FAQ forms report it.
 *
 * Matching is case-insensitive and multi-line (`^` and `$` at every line), as content authors expect.
 */
export interface Pattern {
  readonly source: string;
  /** Whether the pattern occurs in the text (a Buffer of UTF-8 saves a conversion per pattern). */
  test(text: string | Buffer): boolean;
  /** The first match, to see what it matched. */
  exec(text: string): RegExpExecArray | null;
}

export const PATTERN_MAX = 300;

export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

export function compilePattern(source: string): Pattern {
  if (source.length > PATTERN_MAX) throw new PatternError(`pattern is longer than ${PATTERN_MAX} characters`);
  try {
    return new RE2(source, 'imu');
  } catch (err) {
    throw new PatternError(`pattern /${source}/ cannot be used: ${explain((err as Error).message)}`);
  }
}

/** RE2's terse reasons, in words a content author can act on. */
function explain(reason: string): string {
  if (/invalid perl operator: \(\?<?[=!]/.test(reason)) {
    return 'look-ahead and look-behind ((?= (?! (?<= (?<!) are not supported by the linear-time engine (RE2); for "A but not B" write a hint with `unless`';
  }
  if (/invalid escape sequence: \\\d/.test(reason)) return 'back-references (\\1) are not supported by the linear-time engine (RE2)';
  return `${reason} (patterns use RE2 syntax)`;
}

/** The source of a pattern that matches a literal text, any run of white space matching any other. */
export function literalSource(text: string): string {
  return text.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('\\s+');
}

/** A literal text as a pattern, any run of white space matching any other. */
export function literalPattern(text: string): Pattern {
  return new RE2(literalSource(text), 'imu');
}

/** RE2 compiles a set of a few hundred patterns into one automaton; thousands exceed its memory budget. */
const SET_CHUNK = 400;

/**
 * Many patterns matched together, each chunk in one pass over the text: the indexes of those that
 * occur. About a quarter of a millisecond per chunk on 64 KB, whatever the patterns.
 */
export function patternSet(sources: string[]): { match(text: string | Buffer): number[] } {
  const sets: { offset: number; set: InstanceType<typeof RE2.Set> }[] = [];
  for (let i = 0; i < sources.length; i += SET_CHUNK) sets.push({ offset: i, set: new RE2.Set(sources.slice(i, i + SET_CHUNK), 'imu') });
  return {
    match(text) {
      if (sets.length === 0) return [];
      const input = typeof text === 'string' && sets.length > 1 ? Buffer.from(text) : text;
      return sets.flatMap(({ offset, set }) => set.match(input).map((i) => i + offset));
    },
  };
}
