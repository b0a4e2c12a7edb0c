import type { Migration } from '../lib/store/migrate.ts';
import { liveQuestions } from './001-live-questions.ts';
import { reviewCommentsHtml } from './002-review-comments-html.ts';

/** Every change of the stored data's shape, in order. Add one file per change; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [liveQuestions, reviewCommentsHtml];
