import matter from 'gray-matter';
import type { z } from 'zod';

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface Parsed<T> {
  data: T;
  body: string;
  /** Line in the file where the body starts (for body problems). */
  bodyLine: number;
}

/** Best-effort line of a front-matter path such as ['checkpoint', 'expect', 1]. */
export function lineOfPath(raw: string, path: PropertyKey[]): number {
  const lines = raw.split('\n');
  let line = 0;
  let indent = -1;
  for (const seg of path) {
    if (typeof seg === 'number') {
      let seen = -1;
      for (let i = line + 1; i < lines.length; i++) {
        const m = /^(\s*)- /.exec(lines[i]!);
        if (m && m[1]!.length > indent) {
          seen += 1;
          if (seen === seg) {
            line = i;
            break;
          }
        }
      }
      continue;
    }
    const re = new RegExp(`^(\\s*)(- )?${String(seg).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`);
    for (let i = line === 0 ? 0 : line + 1; i < lines.length; i++) {
      const m = re.exec(lines[i]!);
      if (m && m[1]!.length + (m[2] ? 2 : 0) > indent) {
        line = i;
        indent = m[1]!.length;
        break;
      }
    }
  }
  return line + 1;
}

/** Parses front matter and validates it; every problem names the file and line. */
export function parseFrontMatter<S extends z.ZodType>(
  file: string,
  raw: string,
  schema: S,
  problems: Problem[],
): Parsed<z.output<S>> | undefined {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // A fresh options object defeats gray-matter's cache, which would hide a re-read file's errors.
    parsed = matter(raw, {});
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    problems.push({ file, line: (mark?.line ?? 0) + 2, message: `front matter is not valid YAML: ${reason}` });
    return undefined;
  }
  if (!raw.startsWith('---')) {
    problems.push({ file, line: 1, message: 'missing front matter (the file must start with ---)' });
    return undefined;
  }
  const result = schema.safeParse(parsed.data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.code === 'unrecognized_keys' ? [issue.keys[0]!] : issue.path;
      const where = issue.path.length ? issue.path.join('.') : 'front matter';
      const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
      problems.push({ file, line: lineOfPath(raw, path), message: `${where}: ${message}` });
    }
    return undefined;
  }
  const bodyLine = raw.slice(0, raw.length - parsed.content.length).split('\n').length;
  return { data: result.data, body: parsed.content, bodyLine };
}
