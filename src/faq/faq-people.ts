import type { UsersRepository } from '../auth/users-repository.ts';
import { TEAM_AUTHOR } from './faq-types.ts';

/** Display names for the ids stored on entries (authors, reviewers). */
export function createPeople(users: UsersRepository) {
  const name = (id: string) => (id === TEAM_AUTHOR ? 'Onramp team' : (users.peek(id)?.username ?? 'a former member'));
  return { name, names: (ids: string[]) => ids.map(name) };
}

export type People = ReturnType<typeof createPeople>;
