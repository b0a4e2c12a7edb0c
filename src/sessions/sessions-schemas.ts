import { z } from 'zod';
import { Username } from '../lib/username.ts';
import { isSlug, singleLineText } from '../lib/validate.ts';
import { checkUserMarkdown } from '../lib/markdown-limits.ts';
import { isTimeZone } from './session-time.ts';

/** Caps on everything a person types; a pasted error is capped in bytes, not characters. */
export const LIMITS = { title: 120, description: 2000, note: 4096, question: 500, answer: 4000, announcement: 1000, people: 10, occurrences: 26 };

const csrf = { _csrf: z.string().optional() };
/** One line of text (titles, questions, announcements): no line breaks or control characters reach a calendar or a CSV. */
const text = (min: number, max: number, label: string) => singleLineText(max, min, { max: `${label} can be at most ${max} characters.` });
const slug = z.string().refine(isSlug, 'Choose a workshop.');
const step = z.string().max(64).refine(isSlug, 'Unknown step.');
const timeZone = z.string().max(64).refine(isTimeZone, 'Use UTC, an offset like +02:00, or a zone like Europe/Berlin.');
const intIn = (min: number, max: number) => z.coerce.number({ error: 'Enter a number.' }).int().min(min).max(max);
const usernameList = z
  .string()
  .max(400)
  .transform((s) => s.split(/[\s,]+/).filter(Boolean))
  .pipe(z.array(Username).max(LIMITS.people, `At most ${LIMITS.people} people.`));

// Control characters and bidirectional overrides go; line breaks stay (the page and the .ics keep them).
const description = z
  .string()
  .max(LIMITS.description * 2)
  .transform((s) => s.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\n{3,}/g, '\n\n').trim())
  .pipe(z.string().max(LIMITS.description, `The description can be at most ${LIMITS.description} characters.`));
/** A video-call link: https only, no credentials in it. Empty means none. */
const callUrl = z
  .string()
  .trim()
  .max(500, 'Use a link of at most 500 characters.')
  .refine((s) => {
    if (!s) return true;
    try {
      const u = new URL(s);
      return u.protocol === 'https:' && !!u.hostname && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'The video-call link must be an https:// address.');

const shared = {
  workshop: slug,
  title: text(3, LIMITS.title, 'The title'),
  durationMinutes: intIn(15, 8 * 60),
  capacity: intIn(1, 2000),
  description: description.optional(),
  callUrl: callUrl.optional(),
};

/** The host's form: wall-clock date and time in a zone the browser fills in (UTC without JavaScript). */
export const SessionForm = z.strictObject({
  ...shared,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date.'),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Pick a time.'),
  timeZone,
  coHosts: usernameList.optional(),
  helpers: usernameList.optional(),
  occurrences: z.preprocess((v) => (v === '' ? undefined : v), intIn(1, LIMITS.occurrences).optional()),
  ...csrf,
});
export type SessionFormInput = z.output<typeof SessionForm>;

export const SessionBody = z.strictObject({
  ...shared,
  durationMinutes: z.number().int().min(15).max(8 * 60),
  capacity: z.number().int().min(1).max(2000),
  startsAt: z.iso.datetime({ offset: true }),
  timeZone: timeZone.optional(),
  coHosts: z.array(Username).max(LIMITS.people).optional(),
  helpers: z.array(Username).max(LIMITS.people).optional(),
  weeklyCount: z.number().int().min(1).max(LIMITS.occurrences).optional(),
});

export const JoinBody = z.strictObject({ code: z.string().min(1, 'Enter the code.').max(32), ...csrf });

const note = z
  .string()
  .max(LIMITS.note)
  .refine((s) => Buffer.byteLength(s) <= LIMITS.note, 'Paste at most 4 KB; the last lines of the error are usually enough.');
export const StuckBody = z.strictObject({ note: note.optional(), step: step.optional(), ...csrf });
export const QuestionBody = z.strictObject({ text: text(3, LIMITS.question, 'A question'), ...csrf });
// An answer can become an FAQ draft's fix, rendered as Markdown: the same limits as the FAQ's own fields.
export const AnswerBody = z.strictObject({ answer: z.string().trim().max(LIMITS.answer).superRefine(checkUserMarkdown).optional(), ...csrf });
export const PinBody = z.strictObject({ pinned: z.union([z.boolean(), z.enum(['1', '0']).transform((v) => v === '1')]), ...csrf });
export const AnnouncementBody = z.strictObject({ text: text(1, LIMITS.announcement, 'An announcement'), ...csrf });
export const RoomStepBody = z.strictObject({ step, ...csrf });
export const VoteForm = z.strictObject({ on: z.enum(['1', '0']).optional(), ...csrf });
export const CsrfOnly = z.strictObject(csrf);
/** Ending a session from the confirmation page: the form says it was confirmed. */
export const EndForm = z.strictObject({ confirm: z.literal('yes').optional(), ...csrf });
