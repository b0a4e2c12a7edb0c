import type { SessionUser } from '../lib/web/roles.ts';
import { conflict, invalid } from '../lib/errors.ts';
import { compileSignature } from '../search/signature.ts';
import type { SearchService } from '../search/search-service.ts';
import type { FaqRepository } from './faq-repository.ts';
import type { FaqService } from './faq-service.ts';
import type { MaintainerInput } from './faq-schemas.ts';
import { renderFields, renderMarkdown, withRevision } from './faq-entry.ts';
import { IN_QUEUE, type Decision, type FaqEntry, type FaqStatus } from './faq-types.ts';
import type { NotificationsPort } from '../notifications/notifications-port.ts';

const STATUS_AFTER: Record<'approve' | 'request-changes' | 'reject', FaqStatus> = {
  approve: 'approved',
  'request-changes': 'changes-requested',
  reject: 'rejected',
};

const TOLD: Record<Decision, ((title: string) => string) | undefined> = {
  approve: (t) => `“${t}” was approved: it is public now`,
  'request-changes': (t) => `Changes requested on “${t}”`,
  reject: (t) => `“${t}” was rejected`,
  merge: (t) => `“${t}” was merged into another entry`,
  retire: (t) => `“${t}” was retired`,
  confirm: undefined,
};

/** What maintainers do. Every decision is recorded on the entry with who and when, and its authors are told. */
export function createReviewService(deps: { repo: FaqRepository; search: SearchService; faq: FaqService; notify?: NotificationsPort['notify'] }) {
  const { repo, search, faq } = deps;

  /** Every author but the maintainer who decided hears of it, with the comment and a link to act on it. */
  async function tell(e: FaqEntry, by: SessionUser, decision: Decision, comment: string, url: string): Promise<void> {
    const text = TOLD[decision]?.(e.title);
    if (!deps.notify || !text) return;
    for (const author of e.authors) if (author !== by.id) await deps.notify(author, { text, url, details: comment ? `${by.username} wrote:\n${comment}` : undefined });
  }

  /** A decision on the entry; its comment is Markdown, rendered (and sanitized) once, here. */
  const review = (e: FaqEntry, by: string, decision: Decision, comment: string): FaqEntry => {
    const at = new Date().toISOString();
    const commentHtml = comment ? renderMarkdown(comment, 'comment') : undefined;
    return { ...e, reviews: [...e.reviews, { at, by, decision, comment, ...(commentHtml ? { commentHtml } : {}) }], updatedAt: at };
  };

  async function save(...entries: FaqEntry[]): Promise<void> {
    await repo.saveMany(entries);
    for (const e of entries) search.syncEntry(e, e.status === 'approved');
  }

  function unmerged(id: string): FaqEntry {
    const e = faq.get(id);
    if (e.mergedInto) throw conflict(`This entry was merged into ${e.mergedInto}.`);
    return e;
  }

  return {
    queue: () => repo.summaries().filter((e) => IN_QUEUE.includes(e.status)).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)),
    waitingOnAuthors: () => repo.summaries().filter((e) => e.status === 'changes-requested').sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)),

    async decide(by: SessionUser, id: string, decision: 'approve' | 'request-changes' | 'reject', comment: string): Promise<FaqEntry> {
      const e = unmerged(id);
      if (decision === 'approve' && (!e.cause.trim() || !e.fix.trim())) {
        throw invalid('Write the cause and the fix (edit the entry) before approving it.', { cause: 'Needed before approval.' });
      }
      if (decision !== 'approve' && e.status === 'approved') {
        throw conflict('This entry is published; retire it instead, or edit it.');
      }
      const next = { ...review(e, by.id, decision, comment), status: STATUS_AFTER[decision] };
      await save(next);
      await tell(next, by, decision, comment, decision === 'request-changes' ? `/faq/${e.id}/edit` : decision === 'approve' ? `/faq/${e.id}` : '/faq/mine');
      return next;
    },

    /** A maintainer's edit: a revision with a note; the status does not change. */
    async edit(by: SessionUser, id: string, input: MaintainerInput): Promise<FaqEntry> {
      const before = unmerged(id);
      input.signatures.forEach((s, i) => {
        try {
          compileSignature(s);
        } catch (err) {
          throw invalid('Some fields need attention.', { signatures: `Pattern ${i + 1}: ${(err as Error).message}` });
        }
      });
      const fields = faq.fieldsFrom(input, input.signatures, before);
      const html = await renderFields(fields, before);
      const current = faq.get(id);
      if (current.updatedAt !== before.updatedAt) throw conflict('Someone changed this entry meanwhile. Reload it and make your edit again.');
      const next = withRevision(current, fields, html, by.id, input.note || 'Edited by a maintainer');
      await save(next);
      return next;
    },

    /** The duplicate's address leads to the survivor, which gains its tags, sources, steps and authors. */
    async merge(by: SessionUser, id: string, into: string, comment: string): Promise<FaqEntry> {
      if (id === into) throw invalid('Some fields need attention.', { into: 'Choose another entry to merge into.' });
      const dup = unmerged(id);
      if (!repo.has(into)) throw invalid('Some fields need attention.', { into: `No entry has the id "${into}". Pick one from the list, or copy the id from its address.` });
      const survivor = faq.get(into);
      if (survivor.mergedInto || survivor.status === 'retired' || survivor.status === 'rejected') {
        throw invalid('Some fields need attention.', { into: 'Merge into an entry that is still current.' });
      }
      const union = (a: string[], b: string[], max: number) => [...new Set([...a, ...b])].slice(0, max);
      const fields = {
        ...survivor,
        tags: union(survivor.tags, dup.tags, 12),
        sources: union(survivor.sources, dup.sources, 10),
        steps: union(survivor.steps, dup.steps, 20),
        signatures: union(survivor.signatures, dup.signatures, 6),
      };
      const grown = withRevision(survivor, fields, { causeHtml: survivor.causeHtml, fixHtml: survivor.fixHtml }, by.id, `Merged ${dup.id} into this entry`);
      const kept = { ...grown, authors: union(survivor.authors, dup.authors, 50) };
      const gone = { ...review(dup, by.id, 'merge', comment || `Merged into ${into}`), status: 'retired' as const, mergedInto: into, mergedFromStatus: dup.status };
      await save(review(kept, by.id, 'merge', `Absorbed ${dup.id}`), gone);
      await tell(dup, by, 'merge', comment, `/faq/${survivor.id}`);
      return gone;
    },

    /** The entry is right for this release (checked against it by a maintainer): readers see it, the flag goes. */
    async confirm(by: SessionUser, id: string, release: string): Promise<FaqEntry> {
      const e = unmerged(id);
      const on = new Date().toISOString().slice(0, 10);
      const next = { ...review(e, by.id, 'confirm', `Confirmed for release ${release}`), checked: { release, on, by: by.id } };
      await save(next);
      return next;
    },

    async retire(by: SessionUser, id: string, comment: string): Promise<FaqEntry> {
      const e = unmerged(id);
      if (e.status === 'retired') return e;
      const next = { ...review(e, by.id, 'retire', comment), status: 'retired' as const };
      await save(next);
      await tell(e, by, 'retire', comment, '/faq/mine');
      return next;
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
