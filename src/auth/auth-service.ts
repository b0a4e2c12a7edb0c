import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { conflict, forbidden, invalid, notFound, unavailable } from '../lib/errors.ts';
import { StoreWriteError } from '../lib/store/store-errors.ts';
import type { PasswordReset, PasswordResetsRepository } from './password-resets-repository.ts';
import type { TokensRepository } from './tokens-repository.ts';
import type { User, UsersRepository } from './users-repository.ts';

// Verified against when the username is unknown, so both cases cost the same time.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$5BUHEnM5UpDTKoHH7knq+A$XmtBRs3UfXZ3HrRUi9IfWjPCGsXTupZP0a4WQ9kKihs';
const RESET_TTL_MS = 24 * 60 * 60 * 1000;


/** Told when a user's credentials end (their sessions, tokens and live streams must end at once). */
export type RevokeListener = (e: { userId: string; reason: 'password' | 'sign-out-everywhere' | 'deleted' | 'reset' | 'role' }) => void;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Accounts and their credentials. Every change that should end a user's access (a new password, "sign
 * out everywhere", a reset by an admin, deletion) does all of it in one place: the user's
 * `sessionVersion` moves on (every browser session ends), every personal access token is revoked, and
 * listeners close the live streams.
 */
export function createAuthService(deps: {
  resets: PasswordResetsRepository;
  users: UsersRepository;
  tokens: TokensRepository;
  /** Removes the browser sessions of a deleted account (they would fail anyway: the user is gone). */
  endSessionsOf?: (userId: string) => Promise<void>;
}) {
  const { users, tokens } = deps;
  const listeners: RevokeListener[] = [];

  async function checkPassword(user: User | undefined, password: string): Promise<boolean> {
    const ok = await verify(user?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
    return !!user?.passwordHash && ok;
  }

  async function revokeAll(user: User, reason: Parameters<RevokeListener>[0]['reason'], changes: Partial<User> = {}): Promise<User> {
    const updated = await users.change(user.id, (u) => ({ ...u, ...changes, sessionVersion: u.sessionVersion + 1 }));
    if (!updated) throw notFound('There is no such user.');
    await tokens.revokeAll(user.id);
    for (const l of listeners) l({ userId: user.id, reason });
    return updated;
  }

  function mustExist(userId: string): User {
    const user = users.byId(userId);
    if (!user) throw notFound('There is no such user.');
    return user;
  }

  return {
    onRevoke(listener: RevokeListener) {
      listeners.push(listener);
    },

    /** argon2id with the OWASP minimum (m=19 MiB, t=2, p=1), the library's defaults. */
    async signup(username: string, password: string): Promise<User> {
      if (users.byUsername(username)) throw conflict('That username is taken.');
      const passwordHash = await hash(password);
      let created: User | undefined;
      try {
        created = await users.insert(username, passwordHash);
      } catch (err) {
        if (err instanceof StoreWriteError) throw unavailable();
        throw err;
      }
      if (!created) throw conflict('That username is taken.');
      return created;
    },

    /** Accounts made by signing in with a provider have none until one is set. */
    hasPassword: (userId: string) => !!users.peek(userId)?.passwordHash,

    async verify(username: string, password: string): Promise<User | undefined> {
      const user = users.byUsername(username);
      return (await checkPassword(user, password)) ? user : undefined;
    },

    /** The current password proves it is them; every other session and token ends. */
    async changePassword(userId: string, current: string, next: string): Promise<User> {
      const user = mustExist(userId);
      if (!(await checkPassword(user, current))) throw invalid('Some fields need attention.', { current: 'That is not your current password.' });
      return revokeAll(user, 'password', { passwordHash: await hash(next) });
    },

    signOutEverywhere: (userId: string) => revokeAll(mustExist(userId), 'sign-out-everywhere'),

    /** Role changes end the user's sessions, so a demotion counts everywhere at once. */
    async setRole(userId: string, role: User['role']): Promise<User> {
      const user = mustExist(userId);
      const updated = await users.change(userId, (u) => (u.role === role ? undefined : { ...u, role, sessionVersion: u.sessionVersion + 1 }));
      if (!updated) return user;
      for (const l of listeners) l({ userId, reason: 'role' });
      return updated;
    },

    /**
     * Deletes the account after the password confirms it: sessions, tokens and the user record go; what
     * they wrote for others (FAQ entries, session questions) stays, credited to "a former member".
     */
    async deleteAccount(userId: string, password: string | undefined, also: (userId: string) => Promise<void>): Promise<void> {
      const user = mustExist(userId);
      if (user.passwordHash && !(await checkPassword(user, password ?? ''))) throw invalid('Some fields need attention.', { password: 'That is not your password.' });
      await tokens.revokeAll(user.id);
      await deps.endSessionsOf?.(user.id);
      await also(user.id);
      await users.remove(user.id);
      for (const l of listeners) l({ userId: user.id, reason: 'deleted' });
    },

    /** A one-time link an admin hands to someone who lost their password (valid 24 hours). */
    async createResetLink(adminId: string, userId: string): Promise<string> {
      const user = mustExist(userId);
      if (user.id === adminId) throw forbidden('Change your own password from your account page.');
      const secret = randomBytes(24).toString('base64url');
      const rec: PasswordReset = { hash: sha256(secret), userId: user.id, expires: Date.now() + RESET_TTL_MS, createdBy: adminId };
      await deps.resets.save(rec);
      return secret;
    },

    resetUser(secret: string): User | undefined {
      const rec = /^[A-Za-z0-9_-]{32}$/.test(secret) ? deps.resets.find(sha256(secret)) : undefined;
      return rec && rec.expires > Date.now() ? users.byId(rec.userId) : undefined;
    },

    /** Uses a reset link once: the new password, and every old session and token ends. */
    async resetPassword(secret: string, next: string): Promise<User> {
      const user = this.resetUser(secret);
      if (!user) throw notFound('This reset link is not valid any more. Ask an admin for a new one.');
      await deps.resets.remove(sha256(secret));
      return revokeAll(user, 'reset', { passwordHash: await hash(next) });
    },

    /** Sets a password without the old one: for the command line, which runs on the server itself. */
    async setPasswordFromCli(userId: string, next: string): Promise<User> {
      return revokeAll(mustExist(userId), 'reset', { passwordHash: await hash(next) });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
