import type { UsersRepository, Role } from '../auth/users-repository.ts';
import type { SessionUser } from '../auth/passport.ts';
import { forbidden, notFound } from '../lib/errors.ts';

/** Role changes by admins. Nobody changes their own role, so nobody can raise it. */
export function createAdminService(users: UsersRepository) {
  return {
    list: () => users.all().sort((a, b) => a.usernameKey.localeCompare(b.usernameKey)),

    /** The user's other sessions end (sessionVersion), so a demotion takes effect everywhere at once. */
    async setRole(actor: SessionUser, userId: string, role: Role) {
      const target = users.byId(userId);
      if (!target) throw notFound('There is no such user.');
      if (target.id === actor.id) throw forbidden('Nobody can change their own role; ask another admin.');
      if (target.role === role) return target;
      const updated = { ...target, role, sessionVersion: target.sessionVersion + 1 };
      await users.update(updated);
      return updated;
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
