import type { Sealed } from './lab-crypto.ts';

/** One lab machine of a session's pool, as kept in the store (`labs`, key `sessionId~id`). */
export interface Lab {
  sessionId: string;
  id: string;
  name: string;
  /** A host name or an IP address; checked against LAB_NETWORKS once resolved, at every connection. */
  host: string;
  port: number;
  username: string;
  auth: 'password' | 'key';
  /** The password or the private key, sealed (lab-crypto.ts); never stored or logged in clear. */
  secret: Sealed;
  consoleUrl?: string;
  notes?: string;
  /** The SSH host key's SHA256 fingerprint, as `ssh-keygen -l` prints it: given by the host, or pinned at the first connection. */
  hostKey?: string;
  broken: boolean;
  holder?: { userId: string; username: string; since: string };
  lastCheck?: LabCheckSeen;
  createdAt: string;
}

/** What the last connection to the lab showed: reached and ran the command, or what went wrong. */
export interface LabCheckSeen {
  at: string;
  ok: boolean;
  /** A plain sentence, without secrets (the failure, or the step that was checked). */
  message: string;
  step?: string;
  passed?: boolean;
}

/** A participant waiting for a lab (`labWaitlist`, key `sessionId~userId`). */
export interface Waiting {
  sessionId: string;
  userId: string;
  username: string;
  /** Their place in the queue: when they started waiting (earlier first). */
  since: string;
}

/** What a host gives for one lab, checked (labs-schemas.ts), before it is sealed. */
export interface LabInput {
  name: string;
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  hostKey?: string;
  consoleUrl?: string;
  notes?: string;
}

export type LabState = 'free' | 'in-use' | 'broken';
export const stateOf = (lab: Pick<Lab, 'broken' | 'holder'>): LabState => (lab.broken ? 'broken' : lab.holder ? 'in-use' : 'free');
