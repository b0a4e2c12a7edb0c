/** A release number as parts ("10.0" -> [10, 0]); anything else is not comparable. */
function parts(s: string): number[] | undefined {
  return /^\d+(?:\.\d+)*$/.test(s.trim()) ? s.trim().split('.').map(Number) : undefined;
}

/** Orders release numbers numerically ("9.0" < "10.0"); one that is not a number sorts first. */
export function compareReleases(a: string, b: string): number {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return x ? 1 : y ? -1 : a.localeCompare(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The current release: the highest one a loaded workshop is written for. */
export function newestRelease(releases: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const r of releases) if (parts(r) && (best === undefined || compareReleases(r, best) > 0)) best = r;
  return best;
}
