import { randomUUID } from 'node:crypto';
import type { Store } from '../lib/store/store.ts';

export const ROLES = ['learner', 'contributor', 'host', 'maintainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  username: string;
  usernameKey: string;
  passwordHash: string;
  role: Role;
  createdAt: string;
  /** Bumped to end every other session (password change, role change by an admin). */
  sessionVersion: number;
}

export const usernameKey = (username: string) => username.normalize('NFKC').toLowerCase();

export function createUsersRepository(store: Store) {
  return {
    /** A copy to change and save. */
    byId: (id: string) => store.get<User>('users', id),
    /** The shared, frozen record, for reading on every request. */
    peek: (id: string) => store.peek<User>('users', id),
    byUsername(username: string): User | undefined {
      const id = store.lookup('users', 'username', usernameKey(username));
      return id ? store.get<User>('users', id) : undefined;
    },
    /** Checks and inserts with no await in between, so two sign-ups cannot both take a name. */
    insert(username: string, passwordHash: string, role: Role = 'learner'): { user: User; saved: Promise<void> } | undefined {
      const key = usernameKey(username);
      if (store.lookup('users', 'username', key)) return undefined;
      const user: User = {
        id: randomUUID(),
        username,
        usernameKey: key,
        passwordHash,
        role,
        createdAt: new Date().toISOString(),
        sessionVersion: 1,
      };
      return { user, saved: store.commit([{ c: 'users', k: user.id, v: user }]) };
    },
    update(user: User): Promise<void> {
      return store.commit([{ c: 'users', k: user.id, v: user }]);
    },
    all: () => [...store.values<User>('users')],
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
