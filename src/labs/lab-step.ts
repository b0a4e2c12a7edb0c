import type { StepDecorator } from '../lib/feature.ts';
import type { NetworkAllowList } from '../lib/networks.ts';
import { currentUser } from '../lib/web/roles.ts';
import type { SessionsPort } from '../sessions/sessions-port.ts';
import { stepLab } from './lab-views.ts';
import type { LabsService } from './labs-service.ts';

/**
 * Adds `labPanel` to every step page of a workshop whose live session the reader takes part in, when
 * that session has labs: their lab's details and the "Check my lab" button, or their place in line.
 */
export function labStepDecorator(deps: { labs: LabsService; sessions: SessionsPort; allow: NetworkAllowList }): StepDecorator {
  const { labs, sessions } = deps;
  return (req, { workshop, step }) => {
    const user = currentUser(req);
    if (!user) return {};
    const live = sessions.liveFor(workshop.slug, user);
    if (!live || !labs.hasLabs(live.id)) return {};
    // Whoever holds a lab sees it (hosts and admins who joined the room too); participants without one, their place in line.
    const lab = labs.heldBy(live.id, user.id);
    if (lab) return { labPanel: stepLab(live.id, lab, labs.secretOf(lab), step, deps.allow) };
    if (live.access !== 'participant') return {};
    return { labPanel: { kind: 'waiting', sessionId: live.id, stepId: step.id, waiting: labs.placeInLine(live.id, user.id) ?? null } };
  };
}
