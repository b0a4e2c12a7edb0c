import type { SessionsEnv } from './sessions-env.ts';
import type { SessionUser } from '../lib/web/roles.ts';
import { conflict, forbidden, notFound } from '../lib/errors.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { SessionsService } from './sessions-service.ts';
import { isStaff, type LiveSession } from './sessions-types.ts';
import { questionView, sessionView, sortQuestions } from './session-views.ts';

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6000) / 10);

/** What happened in a session, for its hosts and helpers. */
export function createReportService(repo: SessionsRepository, sessions: SessionsService, env: SessionsEnv, baseUrl: string) {
  function guard(s: LiveSession, user: SessionUser | undefined) {
    if (!isStaff(sessions.access(s, user))) throw forbidden('Only the hosts and helpers of this session see its report.');
  }

  function report(s: LiveSession, user: SessionUser | undefined) {
    guard(s, user);
    const workshop = env.catalog.findWorkshop(s.workshop);
    const participants = repo.participants(s.id).sort((a, b) => a.username.localeCompare(b.username));
    const steps = (workshop?.steps ?? []).map((st) => {
      const reached = participants.filter((p) => p.stepsDone.includes(st.id) || (workshop!.stepById.get(p.currentStep)?.index ?? -1) >= st.index).length;
      const times = participants.map((p) => p.stepTimes[st.id]).filter((t): t is number => t !== undefined);
      return {
        id: st.id,
        title: st.title,
        reached,
        done: participants.filter((p) => p.stepsDone.includes(st.id)).length,
        medianMinutes: minutes(median(times)),
        stuck: participants.filter((p) => p.stuckSteps.includes(st.id)).length,
      };
    });
    const questions = sortQuestions(repo.questions(s.id)).map((q) => questionView(q, true));
    return {
      session: sessionView(s, sessions.access(s, user), baseUrl, sessions.names),
      workshopTitle: workshop?.title ?? s.workshop,
      participants: participants.map((p) => ({
        username: p.username,
        joinedAt: p.joinedAt,
        stepsDone: p.stepsDone.length,
        totalSteps: steps.length,
        stuckSteps: p.stuckSteps.length,
      })),
      steps,
      questions: { asked: questions.length, answered: questions.filter((q) => q.answered).length, list: questions },
    };
  }

  return {
    report,

    /** A question with its answer becomes a draft in the FAQ review queue, once. */
    async faqDraft(id: string, user: SessionUser, qid: string): Promise<{ id: string; created: boolean }> {
      const s = structuredClone(sessions.get(id));
      guard(s, user);
      const q = repo.question(s.id, qid);
      if (!q) throw notFound('No such question.');
      if (q.faqDraftId) return { id: q.faqDraftId, created: false };
      const workshop = env.catalog.findWorkshop(s.workshop);
      const draft = await env.faq.createDraft({
        title: q.text.slice(0, 200),
        fix: q.answer,
        sources: [`${baseUrl}/sessions/${s.id}`],
        tags: workshop?.tags,
        authorId: user.id,
        origin: `Live session: ${s.title}, ${s.startsAt.slice(0, 10)}`,
      });
      // Read again when writing: the question may have changed while the draft was written.
      await repo.write(() => {
        const cq = repo.question(s.id, qid);
        if (!cq) throw conflict('The question is gone.');
        cq.faqDraftId = draft.id;
        return { questions: [cq] };
      });
      return { id: draft.id, created: true };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
