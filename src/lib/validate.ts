import { z } from 'zod';
import { AppError } from './errors.ts';

/** Field name -> first message, for re-rendering forms and for JSON error details. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : (issue.code === 'unrecognized_keys' ? 'body' : 'body');
    if (!(key in out)) {
      out[key] = issue.code === 'unrecognized_keys' ? `Unexpected field(s): ${issue.keys.join(', ')}` : issue.message;
    }
  }
  return out;
}

/** Parses input with a schema or throws a 422 carrying the field errors. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, status = 422): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new AppError(status, 'validation_failed', 'Some fields need attention.', fieldErrors(result.error));
  }
  return result.data;
}

export const SLUG_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const isSlug = (s: unknown): s is string => typeof s === 'string' && s.length <= 64 && SLUG_RE.test(s);

/**
 * Only same-origin relative paths; anything else becomes the fallback. The check is made on the
 * normalized result too: "/.//evil.example" and "/a/..//evil.example" normalize to "//evil.example",
 * which a browser reads as another host, and a proxy that decodes "/%2F/evil.example" makes the same.
 */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > 512) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  try {
    const url = new URL(next, 'http://onramp.invalid');
    if (url.origin !== 'http://onramp.invalid') return fallback;
    // Our paths never hold an encoded / or \, and one that does could become "//host" once decoded.
    if (/^\/[/\\]/.test(url.pathname) || /%2f|%5c/i.test(url.pathname)) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

// Line breaks of every kind (CR, LF, NEL, LS, PS) and tabs become spaces; other C0/C1 controls and the
// bidirectional overrides that can make a name read backwards are removed.
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A value for a single-line field (a title, a name, a note): one line, no control characters, runs of
 * spaces collapsed, trimmed. A CR/LF in a title otherwise reaches formats where a line is a record: an
 * .ics calendar, a CSV report, a log line, an email header.
 */
export function singleLine(s: string): string {
  return s.replace(BREAKS, ' ').replace(CONTROLS, '').replace(/ {2,}/g, ' ').trim();
}

/**
 * The zod type of a single-line field: cleaned by singleLine, then held to its length. (The raw input
 * may be up to four times longer, so a title padded with spaces is cleaned rather than refused.)
 */
export function singleLineText(max: number, min = 0, messages: { min?: string; max?: string } = {}) {
  return z
    .string()
    .max(max * 4, messages.max ?? `Use at most ${max} characters.`)
    .transform(singleLine)
    .pipe(z.string().min(min, messages.min ?? (min === 1 ? 'Fill this in.' : `Write at least ${min} characters.`)).max(max, messages.max ?? `Use at most ${max} characters.`));
}
