import type { AccountsPort } from '../auth/auth-port.ts';
import { TEAM_AUTHOR } from './faq-types.ts';

/** Display names for the ids stored on entries (authors, reviewers). */
export function createPeople(accounts: Pick<AccountsPort, 'name'>) {
  const name = (id: string) => (id === TEAM_AUTHOR ? 'Onramp team' : accounts.name(id));
  return { name, names: (ids: string[]) => ids.map(name) };
}

export type People = ReturnType<typeof createPeople>;
