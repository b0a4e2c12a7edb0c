import { compilePattern, type Pattern } from '../lib/patterns.ts';

/**
 * An error signature written by a maintainer: an RE2 pattern (linear in the paste, whatever it says)
 * that identifies an entry exactly. Compiling it is the check the review form runs; matching many of
 * them against a paste happens in one pass, in evidence.ts.
 */
export function compileSignature(source: string): Pattern {
  return compilePattern(source);
}
