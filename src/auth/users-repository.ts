import { randomUUID } from 'node:crypto';
import type { Op, Store } from '../lib/store/store-api.ts';
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
    /**
     * Creates the account unless its name is taken: undefined then. The check and the write are one
     * transaction (on PostgreSQL the unique index decides between instances, and the check runs again).
     * `also` adds records written with the account (a linked identity), or throws to refuse.
     */
    async insert(username: string, passwordHash: string | undefined, role: Role = 'learner', also?: (user: User) => Op[]): Promise<User | undefined> {
      const key = usernameKey(username);
      const user: User = {
        id: randomUUID(),
        username,
        usernameKey: key,
        ...(passwordHash ? { passwordHash } : {}),
        role,
        createdAt: new Date().toISOString(),
        sessionVersion: 1,
      };
      let taken = false;
      await store.transact(() => {
        taken = store.lookup('users', 'username', key) !== undefined;
        return taken ? [] : [{ c: 'users', k: user.id, v: user }, ...(also?.(user) ?? [])];
      });
      return taken ? undefined : user;
    },
    /** Saves the record as given (it must be the latest: on PostgreSQL a record changed meanwhile is refused). */
    update(user: User): Promise<void> {
      return store.commit([{ c: 'users', k: user.id, v: user }]);
    },
    /**
     * Reads, changes and saves the account; on PostgreSQL `fn` runs again if another instance changed it
     * meanwhile. `fn` answers undefined for "no change". Answers the saved account (undefined: none saved).
     */
    async change(id: string, fn: (user: User) => User | undefined): Promise<User | undefined> {
      let saved: User | undefined;
      await store.transact(() => {
        const user = store.get<User>('users', id);
        saved = user && fn(user);
        return saved ? [{ c: 'users', k: id, v: saved }] : [];
      });
      return saved;
    },
    remove: (id: string) => store.commit([{ c: 'users', k: id, v: null }]),
    all: () => [...store.values<User>('users')],
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
