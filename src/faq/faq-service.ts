import type { AccountsPort } from '../auth/auth-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { hasRole } from '../lib/web/roles.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import { forbidden, notFound, conflict } from '../lib/errors.ts';
import { isSlug } from '../lib/validate.ts';
import type { SearchService } from '../search/search-service.ts';
import type { FaqRepository } from './faq-repository.ts';
import type { DraftInput } from './faq-port.ts';
import type { EntryInput } from './faq-schemas.ts';
import { newEntry, renderFields, uniqueId, withRevision } from './faq-entry.ts';
import { guessPhase } from './faq-guess.ts';
import { AUTHOR_EDITABLE, type EntryFields, type FaqEntry } from './faq-types.ts';

export interface FaqDeps {
  repo: FaqRepository;
  search: SearchService;
  accounts: Pick<AccountsPort, 'grantContributor'>;
  catalog: Catalog;
}

/** What contributors and readers do: submit, edit and resubmit, vote, read. */
export function createFaqService({ repo, search, accounts, catalog }: FaqDeps) {
  /** Step references are kept only when the step exists in the loaded content. */
  const knownSteps = (steps: string[]) => steps.filter((ref) => catalog.stepRef(ref) !== undefined);

  /** `before` keeps what the form cannot show: sources that are not links (an imported thread's id). */
  function fieldsFrom(input: EntryInput, signatures: string[] = [], before?: FaqEntry): EntryFields {
    const kept = before ? before.sources.filter((s) => !s.startsWith('https://')) : [];
    return {
      title: input.title,
      errorText: input.errorText,
      deployment: [...new Set(input.deployment)],
      phase: input.phase,
      releases: input.release,
      cause: input.cause,
      fix: input.fix,
      sources: [...new Set([...input.sources, ...kept])].slice(0, 10),
      tags: [...new Set(input.tags)],
      steps: [...new Set(knownSteps(input.steps))],
      signatures,
    };
  }

  /**
   * Submitting is how a learner becomes a contributor: the first accepted submission grants the
   * contributor role (never more), and the session stays valid because nothing was taken away.
   */
  const grantContributor = (userId: string) => accounts.grantContributor(userId);

  function get(id: string): FaqEntry {
    const entry = repo.get(id);
    if (!entry) throw notFound('There is no FAQ entry at this address.');
    return entry;
  }

  const isAuthor = (user: SessionUser | undefined, e: FaqEntry) => !!user && e.authors.includes(user.id);
  /** Approved entries are public; anything else only for its authors and maintainers. */
  const canView = (user: SessionUser | undefined, e: FaqEntry) => e.status === 'approved' || isAuthor(user, e) || hasRole(user, 'maintainer');
  const NOT_FOUND = 'There is no FAQ entry at this address.';

  return {
    fieldsFrom,
    get,
    canView,
    /**
     * The one visibility check: the entry the user may read at this id, or a 404 that looks the same
     * whether the entry is missing or not theirs to see.
     */
    visible(user: SessionUser | undefined, id: unknown): FaqEntry {
      const entry = isSlug(id) ? repo.get(id) : undefined;
      if (!entry || !canView(user, entry)) throw notFound(NOT_FOUND);
      return entry;
    },
    /**
     * What an entry's public address shows: the entry, or the survivor it was merged into. A merged
     * entry leads on only for those who could read it before the merge (it was public, or theirs), so
     * its address tells a stranger nothing about drafts.
     */
    readable(user: SessionUser | undefined, id: unknown): { entry: FaqEntry; movedTo?: string } {
      const entry = isSlug(id) ? repo.get(id) : undefined;
      if (!entry) throw notFound(NOT_FOUND);
      if (!entry.mergedInto) {
        if (!canView(user, entry)) throw notFound(NOT_FOUND);
        return { entry };
      }
      const wasPublic = entry.mergedFromStatus === 'approved';
      if (!wasPublic && !isAuthor(user, entry) && !hasRole(user, 'maintainer')) throw notFound(NOT_FOUND);
      let survivor = entry;
      for (let hops = 0; survivor.mergedInto && hops < 10; hops++) {
        const next = repo.get(survivor.mergedInto);
        if (!next) break;
        survivor = next;
      }
      if (survivor === entry || !canView(user, survivor)) throw notFound(NOT_FOUND);
      return { entry: survivor, movedTo: survivor.id };
    },
    canAuthorEdit: (user: SessionUser | undefined, e: FaqEntry) => isAuthor(user, e) && AUTHOR_EDITABLE.includes(e.status),
    isAuthor,

    async submit(user: SessionUser, input: EntryInput): Promise<FaqEntry> {
      const fields = fieldsFrom(input);
      const html = await renderFields(fields);
      const entry = newEntry(uniqueId(fields.title, repo.has), fields, html, { authors: [user.id], status: 'in-review', note: 'Submitted for review' });
      await repo.save(entry);
      await grantContributor(user.id);
      return entry;
    },

    /** The author's edit: a new revision, and the entry goes back to the review queue. */
    async resubmit(user: SessionUser, id: string, input: EntryInput, note: string): Promise<FaqEntry> {
      const before = get(id);
      if (!isAuthor(user, before)) throw forbidden('Only the authors of this entry can edit it here.');
      if (!AUTHOR_EDITABLE.includes(before.status)) throw conflict('This entry is no longer open for edits by its authors.');
      const fields = fieldsFrom(input, before.signatures, before);
      const html = await renderFields(fields, before);
      const current = get(id);
      if (current.updatedAt !== before.updatedAt) throw conflict('Someone changed this entry meanwhile. Reload it and make your edit again.');
      const entry = withRevision(current, fields, html, user.id, note || 'Edited and resubmitted', 'in-review');
      await repo.save(entry);
      search.syncEntry(entry, false);
      return entry;
    },

    /** A reader's "did this help?": an account or a visitor's id, one answer each, with what was missing on "no". */
    async vote(readerId: string, id: string, helpful: boolean, missing?: string) {
      const entry = get(id);
      if (entry.status !== 'approved') throw notFound('There is no FAQ entry at this address.');
      await repo.vote({ entryId: entry.id, userId: readerId, helpful, ...(!helpful && missing ? { missing } : {}), at: new Date().toISOString() });
      return { ...repo.votes(entry.id), yours: helpful };
    },

    /** A draft proposed by a person or a tool (a live session question, a mailing-list thread). */
    async createDraft(input: DraftInput): Promise<FaqEntry> {
      const text = `${input.title}\n${input.errorText ?? ''}\n${input.cause ?? ''}`;
      const fields: EntryFields = {
        title: input.title.replace(/\s+/g, ' ').trim().slice(0, 200) || 'Untitled question',
        errorText: (input.errorText ?? '').slice(0, 4096),
        deployment: ['any'],
        phase: guessPhase(text),
        releases: 'any',
        cause: (input.cause ?? '').slice(0, 16384),
        fix: (input.fix ?? '').slice(0, 16384),
        sources: (input.sources ?? []).slice(0, 10),
        tags: (input.tags ?? []).slice(0, 12),
        steps: [],
        signatures: [],
      };
      const html = await renderFields(fields);
      const entry = newEntry(uniqueId(fields.title, repo.has), fields, html, {
        authors: input.authorId ? [input.authorId] : [],
        by: input.authorId ?? 'import',
        status: 'draft',
        note: input.origin ? `Proposed from: ${input.origin}` : 'Proposed as a draft',
        origin: input.origin,
        importKey: input.importKey,
      });
      await repo.save(entry);
      return entry;
    },

    mine: (userId: string): FaqEntry[] =>
      repo
        .summaries()
        .filter((e) => e.authors.includes(userId))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
        .slice(0, 200)
        .flatMap((e) => repo.get(e.id) ?? []),
    votes: (id: string) => repo.votes(id),
    voteOf: (id: string, userId: string) => repo.voteOf(id, userId),
  };
}

export type FaqService = ReturnType<typeof createFaqService>;
