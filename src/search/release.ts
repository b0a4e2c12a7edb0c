/**
 * Release ranges as entries write them: "any", "9.0", "8.0+", "8.0-10.0", or a comma-separated list.
 * A release the range cannot be compared with does not match.
 */
function version(s: string): number[] | undefined {
  return /^\d+(?:\.\d+)*$/.test(s) ? s.split('.').map(Number) : undefined;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function releaseMatches(range: string, wanted: string): boolean {
  const w = version(wanted.trim());
  for (const raw of range.split(',')) {
    const part = raw.trim().toLowerCase();
    if (part === 'any' || part === '') return true;
    if (!w) {
      if (part === wanted.trim().toLowerCase()) return true;
      continue;
    }
    const plus = /^(.+)\+$/.exec(part);
    const span = /^([\d.]+)\s*-\s*([\d.]+)$/.exec(part);
    if (plus) {
      const from = version(plus[1]!);
      if (from && compare(w, from) >= 0) return true;
    } else if (span) {
      const from = version(span[1]!);
      const to = version(span[2]!);
      if (from && to && compare(w, from) >= 0 && compare(w, to) <= 0) return true;
    } else {
      const v = version(part);
      if (v && compare(w, v) === 0) return true;
    }
  }
  return false;
}

export const RELEASE_RE = /^(?:any|\d+(?:\.\d+)*(?:\+|\s*-\s*\d+(?:\.\d+)*)?)(?:\s*,\s*(?:any|\d+(?:\.\d+)*(?:\+|\s*-\s*\d+(?:\.\d+)*)?))*$/i;
