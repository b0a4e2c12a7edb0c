import type { Step } from '../content/content-loader.ts';
import type { NetworkAllowList } from '../lib/networks.ts';
import type { DeepReadonly } from '../lib/store/store.ts';
import { whyNotCheckable } from './lab-checks.ts';
import { stateOf, type Lab, type Waiting } from './labs-types.ts';

/** The line a participant types to reach their lab (the port only when it is not 22). */
export const sshLine = (l: Pick<Lab, 'host' | 'port' | 'username'>) =>
  `ssh ${l.port === 22 ? '' : `-p ${l.port} `}${l.username}@${l.host.includes(':') ? `[${l.host}]` : l.host}`;

/** A lab as the hosts' lists show it: everything but the secret. */
export const labRow = (l: Lab) => ({
  id: l.id,
  name: l.name,
  host: l.host,
  port: l.port,
  username: l.username,
  auth: l.auth,
  state: stateOf(l),
  holder: l.holder ? { userId: l.holder.userId, username: l.holder.username, since: l.holder.since } : null,
  hostKey: l.hostKey ?? null,
  consoleUrl: l.consoleUrl ?? null,
  notes: l.notes ?? null,
  lastCheck: l.lastCheck ?? null,
});

export const waitingRow = (w: Waiting) => ({ userId: w.userId, username: w.username, since: w.since });

export function poolCounts(labs: Lab[], waiting: Waiting[]) {
  const counts = { total: labs.length, free: 0, 'in-use': 0, broken: 0, waiting: waiting.length };
  for (const l of labs) counts[stateOf(l)] += 1;
  return counts;
}

/**
 * The panel on a step page for the participant holding a lab: how to reach it (with the secret, which
 * only they and the hosts see) and, when the step's checkpoint can be run there, the button.
 */
export function stepLab(sessionId: string, lab: DeepReadonly<Lab>, secret: string, step: Step, allow: NetworkAllowList) {
  const command = step.checkpoint?.command;
  return {
    kind: 'lab' as const,
    sessionId,
    stepId: step.id,
    name: lab.name,
    host: lab.host,
    port: lab.port,
    username: lab.username,
    ssh: sshLine(lab),
    auth: lab.auth,
    secret,
    consoleUrl: lab.consoleUrl ?? null,
    notes: lab.notes ?? null,
    hostKey: lab.hostKey ?? null,
    check: step.checkpoint ? { command: command ?? null, why: whyNotCheckable(command, allow) ?? null } : null,
    lastCheck: lab.lastCheck ?? null,
  };
}
