import type { z } from 'zod';
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

/** Only same-origin relative paths; anything else becomes the fallback. */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > 512) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  try {
    const url = new URL(next, 'http://onramp.invalid');
    if (url.origin !== 'http://onramp.invalid') return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
