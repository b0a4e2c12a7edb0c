import type { StepDecorator } from '../lib/feature.ts';
import { currentUser } from '../lib/web/roles.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import type { SessionsService } from './sessions-service.ts';
import { phaseOf } from './session-time.ts';
import { isStaff } from './sessions-types.ts';

/**
 * Adds `liveBar` to a step page when the signed-in user is in a session of this workshop that is
 * live: the room's step, the latest announcements, and the "I'm stuck" / "done" forms. Hosts and
 * helpers get a link to their dashboard instead.
 */
export function sessionBarDecorator(sessions: SessionsService, repo: SessionsRepository): StepDecorator {
  return (req, { workshop, step }) => {
    const user = currentUser(req);
    if (!user) return {};
    const now = Date.now();
    for (const s of repo.openOf(workshop.slug, now)) {
      if (phaseOf(s, now) !== 'live') continue;
      const access = sessions.access(s, user);
      if (access === 'none') continue;
      const roomStep = s.roomStep ? workshop.stepById.get(s.roomStep) : undefined;
      const base = { sessionId: s.id, title: s.title, workshop: workshop.slug, step: step.id, roomStep, lastEventId: repo.lastEventId(s.id) };
      if (isStaff(access)) return { liveBar: { ...base, staff: true } };
      const me = repo.peekParticipant(s.id, user.id)!;
      return {
        liveBar: {
          ...base,
          staff: false,
          me,
          stepDone: me.stepsDone.includes(step.id),
          announcements: s.announcements.slice(-3).reverse(),
        },
      };
    }
    return {};
  };
}
