/**
 * What other features may ask of the FAQ (the live sessions use it to match a participant's pasted
 * error and to turn a question into a draft). Implemented by the FAQ feature.
 */
export interface FaqPort {
  /**
   * Approved entries that answer a pasted error or log excerpt, best first: `match` when there is
   * evidence of this very error (a signature, its alarm, its error text), `related` when the words agree.
   * Nothing below the relevance floor.
   */
  matchLog(text: string, limit?: number): { id: string; title: string; tier: 'match' | 'related' }[];
  /** Settles once the FAQ indexed at start-up is searchable (at once after that): await it before matchLog. */
  whenIndexed(): Promise<void>;
  /** Creates a draft in the review queue. */
  createDraft(input: DraftInput & { authorId: string }): Promise<{ id: string }>;
}

/** A draft for the review queue, from a person (authorId) or an import (importKey). */
export interface DraftInput {
  title: string;
  errorText?: string;
  cause?: string;
  fix?: string;
  sources?: string[];
  tags?: string[];
  authorId?: string;
  /** Where it came from, shown to reviewers (e.g. "Live session: Install AIO-SX, 2026-12-01"). */
  origin?: string;
  /** Identifies an imported thread, so a re-import creates no duplicate. */
  importKey?: string;
}
