import type { SessionExtension } from '../sessions/sessions-port.ts';

/**
 * What the labs feature offers live sessions (wired in src/app.ts through `SessionsPort.extend`): a
 * lab for each participant who joins, every lab back when a host ends the session, and the labs
 * panel of the hosts' dashboard.
 */
export type LabsPort = Required<SessionExtension>;
