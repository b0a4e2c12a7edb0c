import type { Migration } from '../lib/store/migrate.ts';
import type { Op, Store } from '../lib/store/store.ts';
import { renderUser } from '../lib/markdown.ts';

interface StoredReview {
  comment: string;
  commentHtml?: string;
  [k: string]: unknown;
}

/**
 * Reviewers' comments are Markdown, rendered once when a decision is saved (`commentHtml`); comments
 * stored before that get theirs here. One that the renderer refuses stays plain text.
 */
export const reviewCommentsHtml: Migration = {
  version: 2,
  name: 'review comments rendered as Markdown',
  run(store: Store): Op[] {
    const ops: Op[] = [];
    for (const e of store.values<{ id: string; reviews?: StoredReview[] }>('faq')) {
      if (!e.reviews?.some((r) => r.comment && !r.commentHtml)) continue;
      const reviews = e.reviews.map((r) => {
        if (!r.comment || r.commentHtml) return r;
        try {
          return { ...r, commentHtml: renderUser(r.comment) };
        } catch {
          return r;
        }
      });
      ops.push({ c: 'faq', k: e.id, v: { ...e, reviews } });
    }
    return ops;
  },
};
