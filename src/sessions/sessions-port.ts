import type { SessionUser } from '../lib/web/roles.ts';
import type { Access } from './sessions-types.ts';

export type { Access } from './sessions-types.ts';
export { canRun, isStaff } from './sessions-types.ts';

/** A session as other features see it. */
export interface SessionSummary {
  id: string;
  title: string;
  workshop: string;
  /** Scheduled, live or ended, by the hosts' actions and the clock. */
  phase: 'scheduled' | 'live' | 'ended';
}

/**
 * What another feature adds to live sessions (the workshop labs): it is told when someone joins and
 * when a session ends, and gives the hosts' dashboard a part of its own. Registered in src/app.ts.
 */
export interface SessionExtension {
  /** After a participant joins; what it returns is shown to them with the welcome. */
  joined?(e: { sessionId: string; workshop: string; userId: string; username: string }): Promise<string | undefined>;
  /** After a host ends the session (sessions that end by the clock are not announced: check `phase`). */
  ended?(sessionId: string): Promise<void>;
  /** Render data for the hosts' dashboard (views/sessions/host.ejs includes the feature's partial). */
  dashboard?(sessionId: string, user: SessionUser): Record<string, unknown>;
}

/** What other features may ask of live sessions. */
export interface SessionsPort {
  find(id: unknown): SessionSummary | undefined;
  /** What the user may do in the session, read now (a demoted host is no longer one). */
  access(sessionId: string, user: SessionUser | undefined): Access;
  /** The live session of this workshop that the user is in (as participant or staff), if any. */
  liveFor(workshop: string, user: SessionUser): (SessionSummary & { access: Access }) | undefined;
  /** The roster, in the order people joined. */
  participants(sessionId: string): { userId: string; username: string; joinedAt: string }[];
  extend(extension: SessionExtension): void;
}
