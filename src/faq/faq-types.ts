import type { DEPLOYMENTS, PHASES } from '../content/content-schemas.ts';

export const STATUSES = ['draft', 'in-review', 'changes-requested', 'approved', 'rejected', 'retired'] as const;
export type FaqStatus = (typeof STATUSES)[number];
export type Deployment = (typeof DEPLOYMENTS)[number];
export type Phase = (typeof PHASES)[number];

export const DECISIONS = ['approve', 'request-changes', 'reject', 'merge', 'retire', 'confirm'] as const;
export type Decision = (typeof DECISIONS)[number];

/** Size caps, checked on input (the Markdown renderer caps again on its side). */
export const LIMITS = { title: 200, errorText: 4 * 1024, markdown: 16 * 1024, comment: 4 * 1024, sources: 10, tags: 12, steps: 20, signatures: 6 } as const;

/** The author id of entries that ship with Onramp. */
export const TEAM_AUTHOR = 'onramp-team';

/** The fields a person writes; a revision keeps a snapshot of them. */
export interface EntryFields {
  title: string;
  errorText: string;
  deployment: Deployment[];
  phase: Phase;
  releases: string;
  cause: string;
  fix: string;
  sources: string[];
  tags: string[];
  steps: string[];
  signatures: string[];
}

export interface Revision {
  at: string;
  /** User id (or TEAM_AUTHOR). */
  by: string;
  note: string;
  fields: EntryFields;
}

export interface Review {
  at: string;
  by: string;
  decision: Decision;
  comment: string;
  /** The comment as sanitized HTML (user Markdown), made once when the decision is saved. */
  commentHtml?: string;
}

/** The release an entry was last confirmed to be right for, and when (seed entries carry it in their files). */
export interface CheckedOn {
  release: string;
  /** YYYY-MM-DD */
  on: string;
  /** The maintainer who confirmed it (absent for the seed). */
  by?: string;
}

export interface FaqEntry extends EntryFields {
  id: string;
  /** Sanitized HTML of cause and fix, made once when saved and never re-rendered per view. */
  causeHtml: string;
  fixHtml: string;
  authors: string[];
  status: FaqStatus;
  revisions: Revision[];
  reviews: Review[];
  mergedInto?: string;
  /** The status a merged entry had when it was merged: its address leads on only if that was public. */
  mergedFromStatus?: FaqStatus;
  /** Where a proposed draft came from, shown to reviewers ("Mailing list", "Live session …"). */
  origin?: string;
  /** Idempotency key of an import (e.g. `mbox:<root message-id>`). */
  importKey?: string;
  checked?: CheckedOn;
  createdAt: string;
  updatedAt: string;
}

/** What lists need of an entry; kept in memory so that lists never parse whole entries. */
export type EntrySummary = Pick<
  FaqEntry,
  'id' | 'title' | 'status' | 'phase' | 'deployment' | 'releases' | 'tags' | 'steps' | 'authors' | 'origin' | 'mergedInto' | 'importKey' | 'checked' | 'createdAt' | 'updatedAt'
>;

export const summarize = (e: FaqEntry): EntrySummary => ({
  id: e.id,
  title: e.title,
  status: e.status,
  phase: e.phase,
  deployment: e.deployment,
  releases: e.releases,
  tags: e.tags,
  steps: e.steps,
  authors: e.authors,
  origin: e.origin,
  mergedInto: e.mergedInto,
  importKey: e.importKey,
  checked: e.checked,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

/** "Did this help?" on an entry: one per reader (an account, or a visitor's id), which they can change. */
export interface FaqVote {
  entryId: string;
  /** The reader: a user id, or a visitor's learner id (`anon-…`). */
  userId: string;
  helpful: boolean;
  /** On "no": what was missing, in the reader's words (one short line). */
  missing?: string;
  at: string;
}

/** Statuses in which the author may still edit and (re)submit. */
export const AUTHOR_EDITABLE: readonly FaqStatus[] = ['draft', 'in-review', 'changes-requested'];
/** Statuses waiting for a maintainer. */
export const IN_QUEUE: readonly FaqStatus[] = ['in-review', 'draft'];
