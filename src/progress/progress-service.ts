import type { Workshop, Step } from '../content/content-loader.ts';
import { checkOutput, type CheckpointResult } from '../content/checkpoint.ts';
import { notFound } from '../lib/errors.ts';
import type { DeepReadonly } from '../lib/store/store.ts';
import type { ProgressRepository, StepRecord, WorkshopProgress } from './progress-repository.ts';

export interface ProgressSummary {
  workshop: string;
  done: number;
  total: number;
  percent: number;
  /** The step to resume at: the last visited unfinished step, else the first unfinished one. */
  resumeStep: string;
  startedAt?: string;
  updatedAt?: string;
  steps: Readonly<Record<string, Readonly<StepRecord>>>;
}

export type ProgressListener = (event: { learnerId: string; workshop: string; step: string; kind: 'done' | 'undone' | 'checkpoint' | 'visit'; passed?: boolean }) => void;

export function createProgressService(repo: ProgressRepository, workshops: () => Map<string, Workshop>) {
  const listeners: ProgressListener[] = [];

  function stepOf(slug: string, stepId: string): { workshop: Workshop; step: Step } {
    const workshop = workshops().get(slug);
    const step = workshop?.stepById.get(stepId);
    if (!workshop || !step) throw notFound('No such workshop step.');
    return { workshop, step };
  }

  function blank(learnerId: string, workshop: string): WorkshopProgress {
    const now = new Date().toISOString();
    return { learnerId, workshop, steps: {}, startedAt: now, updatedAt: now };
  }

  function summarize(workshop: Workshop, p: DeepReadonly<WorkshopProgress> | undefined): ProgressSummary {
    const steps = p?.steps ?? {};
    const done = workshop.steps.filter((s) => steps[s.id]?.done).length;
    const firstOpen = workshop.steps.find((s) => !steps[s.id]?.done)?.id ?? workshop.steps.at(-1)!.id;
    const last = p?.lastStep && workshop.stepById.has(p.lastStep) && !steps[p.lastStep]?.done ? p.lastStep : undefined;
    return {
      workshop: workshop.slug,
      done,
      total: workshop.steps.length,
      percent: Math.round((done / workshop.steps.length) * 100),
      resumeStep: last ?? firstOpen,
      startedAt: p?.startedAt,
      updatedAt: p?.updatedAt,
      steps,
    };
  }

  function emit(e: Parameters<ProgressListener>[0]) {
    for (const l of listeners) l(e);
  }

  return {
    onChange(listener: ProgressListener) {
      listeners.push(listener);
    },

    summary(learnerId: string | undefined, slug: string): ProgressSummary {
      const workshop = workshops().get(slug);
      if (!workshop) throw notFound('No such workshop.');
      return summarize(workshop, learnerId ? repo.peek(learnerId, slug) : undefined);
    },

    all(learnerId: string | undefined): ProgressSummary[] {
      if (!learnerId) return [];
      return [...workshops().values()]
        .map((w) => ({ w, p: repo.peek(learnerId, w.slug) }))
        .filter(({ p }) => p !== undefined)
        .map(({ w, p }) => summarize(w, p));
    },

    /** Remembers where the learner is, so "Resume" brings them back; written only when it changes. */
    async visit(learnerId: string, slug: string, stepId: string): Promise<void> {
      stepOf(slug, stepId);
      if (repo.peek(learnerId, slug)?.lastStep === stepId) return;
      const p = repo.get(learnerId, slug);
      if (!p) return;
      await repo.save({ ...p, lastStep: stepId, updatedAt: new Date().toISOString() });
      emit({ learnerId, workshop: slug, step: stepId, kind: 'visit' });
    },

    async setDone(learnerId: string, slug: string, stepId: string, done: boolean): Promise<ProgressSummary> {
      const { workshop } = stepOf(slug, stepId);
      const now = new Date().toISOString();
      const p = repo.get(learnerId, slug) ?? blank(learnerId, slug);
      const prev = p.steps[stepId];
      p.steps[stepId] = { ...prev, done, doneAt: done ? (prev?.done ? prev.doneAt : now) : undefined, updatedAt: now };
      p.lastStep = stepId;
      p.updatedAt = now;
      await repo.save(p);
      emit({ learnerId, workshop: slug, step: stepId, kind: done ? 'done' : 'undone' });
      return summarize(workshop, p);
    },

    async checkpoint(learnerId: string, slug: string, stepId: string, output: string): Promise<CheckpointResult> {
      const { step } = stepOf(slug, stepId);
      if (!step.checkpoint) throw notFound('This step has no checkpoint.');
      const result = checkOutput(step.checkpoint, output);
      const now = new Date().toISOString();
      const p = repo.get(learnerId, slug) ?? blank(learnerId, slug);
      const prev = p.steps[stepId];
      p.steps[stepId] = {
        done: prev?.done ?? false,
        doneAt: prev?.doneAt,
        updatedAt: now,
        checkpoint: { passed: result.passed || !!prev?.checkpoint?.passed, at: now, attempts: (prev?.checkpoint?.attempts ?? 0) + 1 },
      };
      p.lastStep = stepId;
      p.updatedAt = now;
      await repo.save(p);
      emit({ learnerId, workshop: slug, step: stepId, kind: 'checkpoint', passed: result.passed });
      return result;
    },

    /** Progress made as a visitor joins the account: a step done in either place counts as done. */
    async adopt(fromLearnerId: string, toLearnerId: string): Promise<void> {
      const merged: WorkshopProgress[] = [];
      for (const slug of workshops().keys()) {
        const anon = repo.get(fromLearnerId, slug);
        if (!anon) continue;
        const mine = repo.get(toLearnerId, slug);
        const target: WorkshopProgress = mine ?? { ...anon, learnerId: toLearnerId, steps: {} };
        for (const [id, rec] of Object.entries(anon.steps)) {
          const cur = target.steps[id];
          if (!cur || (!cur.done && rec.done) || (!cur.checkpoint?.passed && rec.checkpoint?.passed)) {
            target.steps[id] = { ...cur, ...rec, done: rec.done || !!cur?.done };
          }
        }
        if (anon.updatedAt > target.updatedAt) {
          target.lastStep = anon.lastStep;
          target.updatedAt = anon.updatedAt;
        }
        merged.push(target);
      }
      if (merged.length) await repo.move(merged, fromLearnerId);
    },
  };
}

export type ProgressService = ReturnType<typeof createProgressService>;
