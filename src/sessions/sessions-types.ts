/** Records of the live-sessions feature, as kept in the store. */

export type SessionStatus = 'scheduled' | 'live' | 'ended';

export interface Question {
  sessionId: string;
  id: string;
  by: string;
  byName: string;
  text: string;
  /** User ids; one vote per user. Kept as records of their own (liveVotes), gathered when read. */
  votes: string[];
  answered: boolean;
  answer?: string;
  pinned: boolean;
  at: string;
  faqDraftId?: string;
}

export interface Announcement {
  id: string;
  text: string;
  byName: string;
  at: string;
}

export interface LiveSession {
  id: string;
  code: string;
  workshop: string;
  title: string;
  /** UTC, ISO 8601. */
  startsAt: string;
  durationMinutes: number;
  capacity: number;
  /** What the session covers, as the host wrote it (plain text, line breaks kept). */
  description?: string;
  /** The video call the session happens in (https only); shown to those in the session. */
  callUrl?: string;
  hosts: string[];
  helpers: string[];
  series?: { id: string; rule: 'weekly'; count: number; index: number };
  /** As set by the hosts; `phaseOf` also takes the clock into account. */
  status: SessionStatus;
  roomStep?: string;
  announcements: Announcement[];
  createdAt: string;
  createdBy: string;
  endedAt?: string;
}

export interface Stuck {
  note: string;
  step: string;
  at: string;
  matches: { id: string; title: string }[];
  /** The host or helper who said "I'm on it". */
  claimedBy?: { userId: string; name: string; at: string };
}

export interface Participant {
  sessionId: string;
  userId: string;
  username: string;
  joinedAt: string;
  currentStep: string;
  stepEnteredAt: string;
  stepsDone: string[];
  /** Milliseconds spent on each finished step (step ids validated against the workshop). */
  stepTimes: Record<string, number>;
  stuck?: Stuck;
  /** Steps on which the participant raised "I'm stuck" at least once (for the report). */
  stuckSteps: string[];
  /** Their latest checkpoint, from the step page or a terminal: passed, or the hint it matched. */
  checkpoint?: CheckpointSeen;
}

export interface CheckpointSeen {
  step: string;
  passed: boolean;
  /** The hint of the known problem the output matched (absent when it matched none). */
  hint?: string;
  at: string;
}

/** One person's vote on a question (one record each, so a vote never rewrites the session). */
export interface Vote {
  sessionId: string;
  questionId: string;
  userId: string;
  at: string;
}

/** Who receives an event: the hosts and helpers only, or everybody in the session. */
export type Audience = 'staff' | 'all';

export interface LiveEvent {
  sessionId: string;
  seq: number;
  type: string;
  audience: Audience;
  data: unknown;
  /** What staff streams get instead of `data`, when they see more (e.g. who asked a question). */
  staffData?: unknown;
  at: string;
}

/** What a user may do in one session. */
export type Access = 'admin' | 'host' | 'helper' | 'participant' | 'none';
export const isStaff = (a: Access) => a === 'admin' || a === 'host' || a === 'helper';
/** Hosts and admins run the session; helpers work the question queue. */
export const canRun = (a: Access) => a === 'admin' || a === 'host';
