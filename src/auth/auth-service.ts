import { hash, verify } from '@node-rs/argon2';
import { conflict, unavailable } from '../lib/errors.ts';
import { StoreWriteError } from '../lib/store/store-errors.ts';
import type { User, UsersRepository } from './users-repository.ts';

// Verified against when the username is unknown, so both cases cost the same time.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$5BUHEnM5UpDTKoHH7knq+A$XmtBRs3UfXZ3HrRUi9IfWjPCGsXTupZP0a4WQ9kKihs';

export function createAuthService(users: UsersRepository) {
  return {
    /** argon2id with the OWASP minimum (m=19 MiB, t=2, p=1), the library's defaults. */
    async signup(username: string, password: string): Promise<User> {
      if (users.byUsername(username)) throw conflict('That username is taken.');
      const passwordHash = await hash(password);
      const created = users.insert(username, passwordHash);
      if (!created) throw conflict('That username is taken.');
      try {
        await created.saved;
      } catch (err) {
        if (err instanceof StoreWriteError) throw unavailable();
        throw err;
      }
      return created.user;
    },

    async verify(username: string, password: string): Promise<User | undefined> {
      const user = users.byUsername(username);
      const ok = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
      return user && ok ? user : undefined;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
