import type { Response } from 'express';
import { DEPLOYMENTS, PHASES } from '../content/content-schemas.ts';
import { AppError } from '../lib/errors.ts';
import { formErrors } from './faq-schemas.ts';
import type { People } from './faq-people.ts';
import type { FaqEntry } from './faq-types.ts';

/** What the entry form shows: the user's own text, as typed. */
export interface FormValues {
  title: string;
  errorText: string;
  deployment: string[];
  phase: string;
  release: string;
  cause: string;
  fix: string;
  sources: string;
  tags: string;
  steps: string[];
  signatures: string;
  note: string;
}

export type FormMode = 'new' | 'author-edit' | 'maintainer-edit';

const str = (v: unknown, max = 20_000) => (typeof v === 'string' ? v.slice(0, max) : '');
const strs = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 20);

export function valuesFromBody(body: Record<string, unknown>): FormValues {
  return {
    title: str(body.title, 400),
    errorText: str(body.errorText),
    deployment: strs(body.deployment),
    phase: str(body.phase, 40),
    release: str(body.release, 40),
    cause: str(body.cause),
    fix: str(body.fix),
    sources: str(body.sources, 6000),
    tags: str(body.tags, 600),
    steps: strs(body.steps),
    signatures: str(body.signatures, 2000),
    note: str(body.note, 600),
  };
}

export function valuesFromEntry(e: FaqEntry): FormValues {
  return {
    title: e.title,
    errorText: e.errorText,
    deployment: e.deployment,
    phase: e.phase,
    release: e.releases,
    cause: e.cause,
    fix: e.fix,
    sources: e.sources.filter((s) => s.startsWith('https://')).join('\n'),
    tags: e.tags.join(', '),
    steps: e.steps,
    signatures: e.signatures.join('\n'),
    note: '',
  };
}

export function blankValues(prefill: Partial<FormValues> = {}): FormValues {
  return { title: '', errorText: '', deployment: ['any'], phase: '', release: 'any', cause: '', fix: '', sources: '', tags: '', steps: [], signatures: '', note: '', ...prefill };
}

export interface FormPage {
  mode: FormMode;
  values: FormValues;
  errors?: Record<string, string>;
  entry?: FaqEntry;
  preview?: { causeHtml: string; fixHtml: string };
  similar?: { id: string; title: string }[];
  becomesContributor?: boolean;
}

const ACTION: Record<FormMode, (e?: FaqEntry) => string> = {
  new: () => '/faq/new',
  'author-edit': (e) => `/faq/${e!.id}/edit`,
  'maintainer-edit': (e) => `/review/${e!.id}/edit`,
};

export function renderForm(res: Response, status: number, page: FormPage): void {
  const title = page.mode === 'new' ? 'Suggest a troubleshooting entry' : `Edit: ${page.entry!.title}`;
  res.status(status).render('faq/form', {
    title,
    action: ACTION[page.mode](page.entry),
    phases: PHASES,
    deployments: DEPLOYMENTS,
    errors: {},
    similar: [],
    preview: undefined,
    becomesContributor: false,
    ...page,
  });
}

/** A 422 from validation becomes field errors on the form; anything else is thrown on. */
export function validationErrors(err: unknown): Record<string, string> {
  if (err instanceof AppError && err.status === 422) return { ...formErrors(err.details), ...(err.details ? {} : { body: err.message }) };
  throw err;
}

/** Public view of an entry, for the API. */
export function publicEntry(e: FaqEntry, people: People, votes: { helpful: number; notHelpful: number }) {
  return {
    id: e.id,
    status: e.status,
    title: e.title,
    errorText: e.errorText,
    deployment: e.deployment,
    phase: e.phase,
    releases: e.releases,
    tags: e.tags,
    sources: e.sources,
    steps: e.steps,
    cause: e.cause,
    fix: e.fix,
    causeHtml: e.causeHtml,
    fixHtml: e.fixHtml,
    authors: people.names(e.authors),
    votes,
    checked: e.checked ?? null,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

