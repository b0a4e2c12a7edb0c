import type { CheckpointResult } from '../content/checkpoint.ts';
import type { StepRecord } from './progress-repository.ts';

export interface ProgressSummary {
  workshop: string;
  done: number;
  total: number;
  percent: number;
  /** The step to resume at: the first one not done (the last step once all are done), its title and number. */
  resumeStep: string;
  resumeTitle: string;
  resumeNumber: number;
  startedAt?: string;
  updatedAt?: string;
  steps: Readonly<Record<string, Readonly<StepRecord>>>;
}

export type ProgressEvent = {
  learnerId: string;
  workshop: string;
  step: string;
  kind: 'done' | 'undone' | 'checkpoint' | 'visit';
  passed?: boolean;
  /** The hint a failed checkpoint showed. */
  hint?: string;
  /** The number of the checkpoint attempt (its verdict's page is the step at `?attempt=N`). */
  attempt?: number;
};
export type ProgressListener = (event: ProgressEvent) => void;

/** Where learners drop off, per workshop step. */
export interface Funnel {
  slug: string;
  title: string;
  started: number;
  steps: { id: string; title: string; done: number; here: number; stalled: number }[];
}

/** A learning path for one learner: which parts are done (a guide read, a workshop finished). */
export interface PathSummary {
  slug: string;
  done: number;
  total: number;
  items: { type: 'guide' | 'workshop'; slug: string; done: boolean; progress?: ProgressSummary }[];
}

/** What other features may ask of learner progress. */
export interface ProgressPort {
  summary(learnerId: string | undefined, slug: string): ProgressSummary;
  all(learnerId: string | undefined): ProgressSummary[];
  onChange(listener: ProgressListener): void;
  /** Guides the learner has read. */
  guidesRead(learnerId: string | undefined): ReadonlySet<string>;
  /** Records a guide as read by the learner. */
  readGuide(learnerId: string, slug: string): Promise<void>;
  /** A learning path's parts for the learner, done or not. */
  pathSummary(learnerId: string | undefined, slug: string): PathSummary;
  /** Remembers the step a learner is on (written only when it changes). */
  visit(learnerId: string, slug: string, stepId: string): Promise<void>;
  /** The learner's latest checkpoint attempt on a step, judged again, if it is attempt `n`. */
  attempt(learnerId: string | undefined, slug: string, stepId: string, n: number): { output: string; result: CheckpointResult; truncated: boolean } | undefined;
  /** Checks a checkpoint's output for a learner and records it, as the step page does. */
  checkpoint(learnerId: string, slug: string, stepId: string, output: string): Promise<CheckpointResult & { attempt: number; summary: ProgressSummary }>;
  /** Drop-off per step, computed in slices and cached for a minute. */
  funnels(): Promise<Funnel[]>;
}
