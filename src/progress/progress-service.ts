import { timeSlices } from '../lib/time-slices.ts';
import { checkOutput, CHECKPOINT_INPUT_MAX, type CheckpointResult } from '../content/checkpoint.ts';
import type { Workshop } from '../content/content-loader.ts';
import type { DeepReadonly } from '../lib/store/store.ts';
import { notFound } from '../lib/errors.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import type { CheckpointAttempt, ProgressRepository, WorkshopProgress } from './progress-repository.ts';
import type { GuideReadsRepository } from './guide-reads-repository.ts';
import type { Funnel, PathSummary, ProgressEvent, ProgressListener, ProgressPort, ProgressSummary } from './progress-port.ts';

const STALLED_MS = 7 * 24 * 60 * 60 * 1000;
const FUNNEL_TTL_MS = 60_000;

export function createProgressService(repo: ProgressRepository, catalog: Catalog, reads: GuideReadsRepository): ProgressPort & ProgressAdmin {
  const listeners: ProgressListener[] = [];
  let funnelCache: { at: number; value: Promise<Funnel[]> } | undefined;

  function blank(learnerId: string, workshop: string): WorkshopProgress {
    const now = new Date().toISOString();
    return { learnerId, workshop, steps: {}, startedAt: now, updatedAt: now };
  }

  function summarize(workshop: Workshop, p: DeepReadonly<WorkshopProgress> | undefined): ProgressSummary {
    const steps = p?.steps ?? {};
    const done = workshop.steps.filter((s) => steps[s.id]?.done).length;
    // Resuming means the first step not done yet, wherever the learner looked last.
    const firstOpen = workshop.steps.find((s) => !steps[s.id]?.done) ?? workshop.steps.at(-1)!;
    return {
      workshop: workshop.slug,
      done,
      total: workshop.steps.length,
      percent: Math.round((done / workshop.steps.length) * 100),
      resumeStep: firstOpen.id,
      resumeTitle: firstOpen.title,
      resumeNumber: firstOpen.index + 1,
      startedAt: p?.startedAt,
      updatedAt: p?.updatedAt,
      steps,
    };
  }

  function guidesRead(learnerId: string | undefined): ReadonlySet<string> {
    const r = learnerId ? reads.peek(learnerId) : undefined;
    return new Set(r ? Object.keys(r.guides) : []);
  }

  function emit(e: ProgressEvent) {
    for (const l of listeners) l(e);
  }

  async function computeFunnels(now: number): Promise<Funnel[]> {
    const workshops = catalog.workshops();
    const funnels = new Map([...workshops.values()].map((w) => [w.slug, { workshop: w, started: 0, steps: w.steps.map((s) => ({ id: s.id, title: s.title, done: 0, here: 0, stalled: 0 })) }]));
    const slices = timeSlices();
    for (const p of repo.values()) {
      await slices.turn();
      const f = funnels.get(p.workshop);
      if (!f) continue;
      f.started += 1;
      const open = f.workshop.steps.findIndex((s) => !p.steps[s.id]?.done);
      f.workshop.steps.forEach((s, i) => {
        if (p.steps[s.id]?.done) f.steps[i]!.done += 1;
      });
      if (open >= 0) {
        f.steps[open]!.here += 1;
        if (now - Date.parse(p.updatedAt) > STALLED_MS) f.steps[open]!.stalled += 1;
      }
    }
    return [...funnels.values()].map((f) => ({ slug: f.workshop.slug, title: f.workshop.title, started: f.started, steps: f.steps }));
  }

  return {
    onChange(listener: ProgressListener) {
      listeners.push(listener);
    },

    summary(learnerId: string | undefined, slug: string): ProgressSummary {
      const workshop = catalog.workshop(slug);
      return summarize(workshop, learnerId ? repo.peek(learnerId, slug) : undefined);
    },

    all(learnerId: string | undefined): ProgressSummary[] {
      if (!learnerId) return [];
      return [...catalog.workshops().values()]
        .map((w) => ({ w, p: repo.peek(learnerId, w.slug) }))
        .filter(({ p }) => p !== undefined)
        .map(({ w, p }) => summarize(w, p));
    },

    /** Guides the learner has read, by slug. */
    guidesRead,

    /** Records that a learner read a guide (once: later reads write nothing). */
    async readGuide(learnerId: string, slug: string): Promise<void> {
      const guide = catalog.guide(slug);
      if (reads.peek(learnerId)?.guides[guide.slug]) return;
      await reads.update(learnerId, (found) => {
        const r = found ?? { learnerId, guides: {} };
        if (r.guides[guide.slug]) return undefined;
        r.guides[guide.slug] = new Date().toISOString();
        return r;
      });
    },

    /** A learning path's parts, each done or not: a guide once read, a workshop once every step is done. */
    pathSummary(learnerId: string | undefined, slug: string): PathSummary {
      const path = catalog.path(slug);
      const read = guidesRead(learnerId);
      const items = path.items.map((it) => {
        if (it.type === 'guide') return { ...it, done: read.has(it.slug) };
        const p = learnerId ? repo.peek(learnerId, it.slug) : undefined;
        const progress = p ? summarize(catalog.workshop(it.slug), p) : undefined;
        return { ...it, done: !!progress && progress.done === progress.total, progress };
      });
      return { slug: path.slug, items, done: items.filter((i) => i.done).length, total: items.length };
    },

    /** Remembers where the learner is (live sessions follow it); written only when it changes. */
    async visit(learnerId: string, slug: string, stepId: string): Promise<void> {
      catalog.step(slug, stepId);
      if (repo.peek(learnerId, slug)?.lastStep === stepId) return;
      let moved = false;
      await repo.update(learnerId, slug, (p) => {
        moved = !!p && p.lastStep !== stepId;
        return moved ? { progress: { ...p!, lastStep: stepId, updatedAt: new Date().toISOString() } } : undefined;
      });
      if (moved) emit({ learnerId, workshop: slug, step: stepId, kind: 'visit' });
    },

    async setDone(learnerId: string, slug: string, stepId: string, done: boolean): Promise<ProgressSummary> {
      const { workshop } = catalog.step(slug, stepId);
      let saved!: WorkshopProgress;
      await repo.update(learnerId, slug, (found) => {
        const now = new Date().toISOString();
        const p = found ?? blank(learnerId, slug);
        const prev = p.steps[stepId];
        p.steps[stepId] = { ...prev, done, doneAt: done ? (prev?.done ? prev.doneAt : now) : undefined, updatedAt: now };
        p.lastStep = stepId;
        p.updatedAt = now;
        saved = p;
        return { progress: p };
      });
      emit({ learnerId, workshop: slug, step: stepId, kind: done ? 'done' : 'undone' });
      return summarize(workshop, saved);
    },

    /**
     * Checks the output and keeps it as the step's latest attempt, whose verdict then has an address.
     * A pass marks the step done: checkpoint and progress are one thing.
     */
    async checkpoint(learnerId: string, slug: string, stepId: string, raw: string): Promise<CheckpointResult & { attempt: number; summary: ProgressSummary }> {
      const { workshop, step } = catalog.step(slug, stepId);
      if (!step.checkpoint) throw notFound('This step has no checkpoint.');
      // What matters is usually at the end of a long output: a paste over the cap keeps its last part.
      const output = raw.length > CHECKPOINT_INPUT_MAX ? raw.slice(-CHECKPOINT_INPUT_MAX) : raw;
      const result = checkOutput(step.checkpoint, output);
      let saved!: { p: WorkshopProgress; attempt: CheckpointAttempt; wasDone: boolean };
      await repo.update(learnerId, slug, (found) => {
        const now = new Date().toISOString();
        const p = found ?? blank(learnerId, slug);
        const prev = p.steps[stepId];
        const passed = result.passed || !!prev?.checkpoint?.passed;
        const done = (prev?.done ?? false) || result.passed;
        p.steps[stepId] = {
          done,
          doneAt: done ? (prev?.doneAt ?? now) : undefined,
          updatedAt: now,
          checkpoint: { passed, at: now, attempts: (prev?.checkpoint?.attempts ?? 0) + 1 },
        };
        p.lastStep = stepId;
        p.updatedAt = now;
        const attempt: CheckpointAttempt = { n: p.steps[stepId]!.checkpoint!.attempts, output, passed: result.passed, at: now, ...(output !== raw ? { truncated: true } : {}) };
        saved = { p, attempt, wasDone: !!prev?.done };
        return { progress: p, attempt: { step: stepId, value: attempt } };
      });
      const { p, attempt, wasDone } = saved;
      emit({ learnerId, workshop: slug, step: stepId, kind: 'checkpoint', passed: result.passed, hint: result.hint, attempt: attempt.n });
      if (result.passed && !wasDone) emit({ learnerId, workshop: slug, step: stepId, kind: 'done' });
      return { ...result, attempt: attempt.n, summary: summarize(workshop, p) };
    },

    /** The number, verdict and time of the learner's latest attempt on a step, without judging it again. */
    latestAttempt(learnerId: string, slug: string, stepId: string): { n: number; passed: boolean; at: string } | undefined {
      const a = repo.attempt(learnerId, slug, stepId);
      return a && { n: a.n, passed: a.passed, at: a.at };
    },

    /** The learner's latest attempt on a step, judged again, if it is attempt `n`. */
    attempt(learnerId: string | undefined, slug: string, stepId: string, n: number): { output: string; result: CheckpointResult; truncated: boolean } | undefined {
      const found = learnerId ? catalog.findStep(slug, stepId) : undefined;
      const a = found?.step.checkpoint ? repo.attempt(learnerId!, slug, stepId) : undefined;
      if (!a || a.n !== n) return undefined;
      const result = checkOutput(found!.step.checkpoint!, a.output);
      return { output: a.output, result, truncated: a.truncated === true };
    },

    /** Progress made as a visitor joins the account: a step done in either place counts as done. */
    async adopt(fromLearnerId: string, toLearnerId: string): Promise<void> {
      const merge = () => {
        const merged: WorkshopProgress[] = [];
        for (const slug of catalog.workshops().keys()) {
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
        return merged;
      };
      if ([...catalog.workshops().keys()].some((slug) => repo.peek(fromLearnerId, slug))) await repo.move(merge, fromLearnerId);
      if (reads.peek(fromLearnerId)) {
        await reads.move(toLearnerId, (visitor, found) => {
          if (!visitor) return undefined;
          const mine = found ?? { learnerId: toLearnerId, guides: {} };
          for (const [guide, at] of Object.entries(visitor.guides)) if (!mine.guides[guide] || at < mine.guides[guide]) mine.guides[guide] = at;
          return mine;
        }, fromLearnerId);
      }
    },

    /** A deleted account's progress goes with it. */
    async forget(learnerId: string): Promise<void> {
      await repo.remove(learnerId, [...catalog.workshops().keys()]);
      await reads.remove(learnerId);
    },

    funnels(now = Date.now()): Promise<Funnel[]> {
      if (!funnelCache || now - funnelCache.at > FUNNEL_TTL_MS) {
        const value = computeFunnels(now);
        funnelCache = { at: now, value };
        value.catch(() => (funnelCache = undefined));
      }
      return funnelCache.value;
    },
  };
}

/** What only the app and this feature use: moving a visitor's progress to an account, forgetting a deleted one, setDone for forms, the latest attempt for the terminal box. */
export interface ProgressAdmin {
  latestAttempt(learnerId: string, slug: string, stepId: string): { n: number; passed: boolean; at: string } | undefined;
  setDone(learnerId: string, slug: string, stepId: string, done: boolean): Promise<ProgressSummary>;
  adopt(fromLearnerId: string, toLearnerId: string): Promise<void>;
  forget(learnerId: string): Promise<void>;
}

export type ProgressService = ReturnType<typeof createProgressService>;
