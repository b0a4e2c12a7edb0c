import { z } from 'zod';
import { DEPLOYMENTS, PHASES } from '../content/content-schemas.ts';
import { SLUG_RE } from '../lib/validate.ts';
import { RELEASE_RE } from '../search/release.ts';
import { LOG_INPUT_MAX, PASTE_INPUT_MAX, tailOf } from '../search/log-features.ts';
import { LIMITS } from './faq-types.ts';
import { checkUserMarkdown } from '../lib/markdown-limits.ts';
import { singleLineText } from '../lib/validate.ts';

// Control characters and bidirectional overrides have no place in an entry; newlines and tabs do.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;
const clean = (s: string) => s.normalize('NFC').replace(/\r\n?/g, '\n').replace(INVISIBLE, '');

/** A single-line field: control characters and line breaks go (see singleLine); a short one says how short. */
const line = (max: number, min = 1) => z.string().transform(clean).pipe(singleLineText(max, min));

/**
 * Every field shown as Markdown is checked for what it would cost the parser (src/lib/markdown-limits.ts):
 * nesting, emphasis runs, links and other markup, measured in one linear pass. The renderer refuses the
 * same texts, so a path that skips the schema (a draft from an import) cannot be slower.
 */
const markdown = (min: number) =>
  z.string().max(LIMITS.markdown, `Use at most ${LIMITS.markdown / 1024} KB.`).transform(clean).pipe(
    z.string().trim().min(min, 'Fill this in.').superRefine(checkUserMarkdown),
  );
const comment = z.string().max(LIMITS.comment).transform((s) => clean(s).trim()).pipe(z.string().superRefine(checkUserMarkdown));

const httpsUrl = z
  .string()
  .trim()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && !!u.hostname && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'Sources must be https:// links.');

export const Tag = z.string().max(40).regex(SLUG_RE, 'Tags are lowercase words joined by dashes.');
export const StepRef = z.string().max(130).regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'Steps are written workshop/step.');
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** What a contributor writes; the API takes exactly this, the form is converted to it. */
export const EntryInput = z.strictObject({
  title: line(LIMITS.title, 5),
  errorText: z.string().max(LIMITS.errorText, `Use at most ${LIMITS.errorText / 1024} KB.`).transform((s) => clean(s).trim()).default(''),
  deployment: oneOrMany(z.enum(DEPLOYMENTS)).pipe(z.array(z.enum(DEPLOYMENTS)).min(1).max(DEPLOYMENTS.length)).default(['any']),
  phase: z.enum(PHASES, 'Choose the install phase.'),
  release: z.string().trim().max(40).regex(RELEASE_RE, 'Write a release like "any", "9.0", "8.0+" or "8.0-10.0".').default('any'),
  cause: markdown(1),
  fix: markdown(1),
  sources: z.array(httpsUrl).max(LIMITS.sources).default([]),
  tags: z.array(Tag).max(LIMITS.tags).default([]),
  steps: z.array(StepRef).max(LIMITS.steps).default([]),
});
export type EntryInput = z.output<typeof EntryInput>;

/** Maintainers may also set error signatures (checked for safety when saved) and a note. */
export const MaintainerInput = EntryInput.extend({
  signatures: z.array(z.string().trim().min(1).max(300)).max(LIMITS.signatures).default([]),
  note: line(300, 0).default(''),
});
export type MaintainerInput = z.output<typeof MaintainerInput>;

export const AuthorEdit = EntryInput.extend({ note: line(300, 0).default('') });

/** Form fields are strings: lists are typed one per line (sources) or separated by commas (tags). */
export function formToInput(body: Record<string, unknown>): Record<string, unknown> {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const list = (k: string, sep: RegExp) => (str(k) ?? '').split(sep).map((s) => s.trim()).filter(Boolean);
  const out: Record<string, unknown> = Object.create(null);
  for (const k of ['title', 'errorText', 'phase', 'cause', 'fix', 'note']) if (str(k) !== undefined) out[k] = str(k);
  if (str('release')?.trim()) out.release = str('release');
  if (body.deployment !== undefined) out.deployment = body.deployment;
  out.sources = list('sources', /\s+/);
  out.tags = list('tags', /[\s,]+/).map((t) => t.toLowerCase());
  const steps = body.steps;
  out.steps = Array.isArray(steps) ? steps : typeof steps === 'string' && steps ? steps.split(/[\s,]+/).filter(Boolean) : [];
  if (str('signatures') !== undefined) out.signatures = list('signatures', /\n/);
  return out;
}

/** Keys of field errors reduced to the form field ("sources.2" -> "sources"). */
export function formErrors(details: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(details ?? {})) {
    const base = k.split('.')[0]!;
    if (!(base in out)) out[base] = v;
  }
  return out;
}

export const ReviewInput = z
  .strictObject({
    decision: z.enum(['approve', 'request-changes', 'reject']),
    comment: comment.default(''),
  })
  .refine((r) => r.decision === 'approve' || r.comment.length > 0, { message: 'Say what should change, or why.', path: ['comment'] });

export const VoteInput = z.strictObject({ helpful: z.boolean() });
/** "Did this help?" from a page: yes or no, and on no, what was missing (one short line, optional). */
export const FeedbackForm = z.strictObject({
  helpful: z.enum(['1', '0']),
  missing: line(300, 0).optional(),
  _csrf: z.string().optional(),
});
/** A maintainer confirms an entry is right for a release. */
export const ConfirmInput = z.strictObject({
  release: z.string().trim().max(20).regex(/^\d+(?:\.\d+)*$/, 'Write a release number like 9.0.'),
  _csrf: z.string().optional(),
});
export const MergeInput = z.strictObject({ into: z.string().max(64).regex(SLUG_RE, 'Give the id of the surviving entry.'), comment: comment.default('') });
export const RetireInput = z.strictObject({ comment: comment.pipe(z.string().min(1, 'Say why it is retired.')) });
/** A preview gets the same checks as a submission: without them it is a way to make the server parse anything. */
export const PreviewInput = z.strictObject({
  cause: markdown(0).default(''),
  fix: markdown(0).default(''),
});

/** Search parameters; unknown filter values are dropped rather than refused (they come from links). */
export function searchParams(raw: Record<string, unknown>) {
  const s = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  const deployment = DEPLOYMENTS.find((d) => d === s('deployment'));
  const phase = PHASES.find((p) => p === s('phase'));
  const release = RELEASE_RE.test(s('release')) && s('release').length <= 20 ? s('release') : undefined;
  return {
    q: tailOf(s('q'), PASTE_INPUT_MAX),
    filters: { deployment, phase, release },
  };
}

export const SearchBody = z.strictObject({
  q: z.string().max(PASTE_INPUT_MAX, `Send at most ${PASTE_INPUT_MAX / 1024} KB; the last ${LOG_INPUT_MAX / 1024} KB are read.`),
  deployment: z.enum(DEPLOYMENTS).optional(),
  phase: z.enum(PHASES).optional(),
  release: z.string().max(20).regex(RELEASE_RE).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});
