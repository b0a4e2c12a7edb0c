import { randomUUID } from 'node:crypto';
import type { Store } from '../lib/store/store.ts';
import type { Role, SessionUser } from '../lib/web/roles.ts';

export { ROLES, type Role } from '../lib/web/roles.ts';

export interface User {
  id: string;
  username: string;
  usernameKey: string;
  /** Absent for an account made by signing in with OpenID Connect (it has no password until one is set). */
  passwordHash?: string;
  role: Role;
  createdAt: string;
  /** Bumped to end every session of the user (password change, sign out everywhere, role change by an admin). */
  sessionVersion: number;
  /** What the learner said they install (see content/profile.ts). */
  profile?: { deployment?: string; platform?: string };
}

export const usernameKey = (username: string) => username.normalize('NFKC').toLowerCase();

export const toSessionUser = (u: Pick<User, 'id' | 'username' | 'role'>): SessionUser => ({ id: u.id, username: u.username, role: u.role });

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
    insert(username: string, passwordHash: string | undefined, role: Role = 'learner'): { user: User; saved: Promise<void> } | undefined {
      const key = usernameKey(username);
      if (store.lookup('users', 'username', key)) return undefined;
      const user: User = {
        id: randomUUID(),
        username,
        usernameKey: key,
        ...(passwordHash ? { passwordHash } : {}),
        role,
        createdAt: new Date().toISOString(),
        sessionVersion: 1,
      };
      return { user, saved: store.commit([{ c: 'users', k: user.id, v: user }]) };
    },
    update(user: User): Promise<void> {
      return store.commit([{ c: 'users', k: user.id, v: user }]);
    },
    remove: (id: string) => store.commit([{ c: 'users', k: id, v: null }]),
    all: () => [...store.values<User>('users')],
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
