import type { Workshop } from '../content/content-loader.ts';
import type { DeepReadonly } from '../lib/store/records.ts';
import { formatCode } from './join-code.ts';
import { endsAt, phaseOf } from './session-time.ts';
import type { Access, LiveSession, Participant, Question } from './sessions-types.ts';
import { isStaff } from './sessions-types.ts';

/** What the outside sees of a session; the code only for those already in it. */
export function sessionView(s: LiveSession, access: Access, baseUrl: string, names: (ids: string[]) => string[]) {
  const inside = access !== 'none';
  return {
    id: s.id,
    title: s.title,
    workshop: s.workshop,
    startsAt: s.startsAt,
    endsAt: endsAt(s),
    durationMinutes: s.durationMinutes,
    capacity: s.capacity,
    description: s.description ?? null,
    status: phaseOf(s),
    roomStep: s.roomStep ?? null,
    hosts: names(s.hosts),
    series: s.series ?? null,
    url: `${baseUrl}/sessions/${s.id}`,
    calendarUrl: `${baseUrl}/sessions/${s.id}/calendar.ics`,
    ...(inside ? { code: s.code, displayCode: formatCode(s.code), joinUrl: `${baseUrl}/join/${s.code}`, callUrl: s.callUrl ?? null } : {}),
    ...(isStaff(access) ? { helpers: names(s.helpers) } : {}),
    access,
  };
}

/** A participant as the hosts see it (with the stuck note and its FAQ matches). */
export const staffParticipant = (p: DeepReadonly<Participant>) => ({
  userId: p.userId,
  username: p.username,
  joinedAt: p.joinedAt,
  currentStep: p.currentStep,
  stepEnteredAt: p.stepEnteredAt,
  stepsDone: p.stepsDone,
  stepTimes: p.stepTimes,
  stuck: p.stuck ?? null,
  checkpoint: p.checkpoint ?? null,
});

/** Pinned first, then open before answered, then by votes, oldest first. */
export function sortQuestions(list: Question[]): Question[] {
  return [...list].sort(
    (a, b) => Number(b.pinned) - Number(a.pinned) || Number(a.answered) - Number(b.answered) || b.votes.length - a.votes.length || a.at.localeCompare(b.at),
  );
}

/** Participants see questions without who asked or who voted; hosts see the asker. */
export const questionView = (q: Question, staff: boolean, viewerId?: string) => ({
  id: q.id,
  text: q.text,
  votes: q.votes.length,
  answered: q.answered,
  answer: q.answer ?? null,
  pinned: q.pinned,
  at: q.at,
  ...(viewerId ? { votedByMe: q.votes.includes(viewerId), mine: q.by === viewerId } : {}),
  ...(staff ? { byName: q.byName, faqDraftId: q.faqDraftId ?? null } : {}),
});

export interface RoomStepCount {
  id: string;
  title: string;
  here: number;
  done: number;
  stuck: number;
}

/** Where the room is, in numbers only: safe for every participant to see. */
export function roomAggregate(workshop: Workshop | undefined, participants: readonly DeepReadonly<Participant>[]) {
  const steps: RoomStepCount[] = (workshop?.steps ?? []).map((s) => ({ id: s.id, title: s.title, here: 0, done: 0, stuck: 0 }));
  const byId = new Map(steps.map((s) => [s.id, s]));
  for (const p of participants) {
    const here = byId.get(p.currentStep);
    if (here) here.here += 1;
    for (const d of p.stepsDone) {
      const c = byId.get(d);
      if (c) c.done += 1;
    }
    const stuck = p.stuck ? byId.get(p.stuck.step) : undefined;
    if (stuck) stuck.stuck += 1;
  }
  return { participants: participants.length, stuck: participants.filter((p) => p.stuck).length, steps };
}

/** Stuck participants grouped by the step they are stuck on, in workshop order. */
export function stuckByStep(workshop: Workshop | undefined, participants: readonly DeepReadonly<Participant>[]) {
  return (workshop?.steps ?? [])
    .map((s) => ({
      id: s.id,
      title: s.title,
      people: participants
        .filter((p) => p.stuck?.step === s.id)
        .sort((a, b) => a.stuck!.at.localeCompare(b.stuck!.at))
        .map((p) => ({ userId: p.userId, username: p.username, note: p.stuck!.note, at: p.stuck!.at, matches: p.stuck!.matches, claimedBy: p.stuck!.claimedBy ?? null })),
    }))
    .filter((g) => g.people.length > 0);
}
