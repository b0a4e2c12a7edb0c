import { randomInt } from 'node:crypto';
import { conflict, invalid, notFound, unavailable } from '../lib/errors.ts';
import { Username } from '../lib/username.ts';
import { StoreWriteError } from '../lib/store/store-errors.ts';
import { normalIssuer, type Identity, type IdentitiesRepository } from './identities-repository.ts';
import type { OidcPerson } from './oidc-client.ts';
import type { User, UsersRepository } from './users-repository.ts';

/** The identity as the pending sign-up cookie carries it. */
export interface PendingIdentity {
  issuer: string;
  subject: string;
  display: string;
}

async function saved(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StoreWriteError) throw unavailable();
    throw err;
  }
}

/** A name that fits Onramp's username rules, from a claim: accents dropped, other characters removed. */
function usernameFrom(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const ascii = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').trim().replace(/\s+/g, '.');
  const name = ascii.replace(/[^A-Za-z0-9_.-]/g, '').replace(/^[.-]+|[.-]+$/g, '').slice(0, 32);
  return Username.safeParse(name).success ? name : undefined;
}

/**
 * Accounts and the identities at the OpenID Connect provider that sign in to them. An identity is
 * found by issuer and subject only: an e-mail address never links anything, since the provider may
 * let anyone claim any address, and addresses change hands.
 */
export function createIdentityService(deps: { users: UsersRepository; identities: IdentitiesRepository; issuer: string; passwordLogin: boolean }) {
  const { users, identities } = deps;

  const display = (p: OidcPerson) => p.email ?? p.username ?? p.name ?? p.subject;

  return {
    display,

    /** The account the identity signs in to, if it is linked to one. */
    accountOf(p: { issuer: string; subject: string }): string | undefined {
      const found = identities.find(p.issuer, p.subject);
      return found && users.peek(found.userId) ? found.userId : undefined;
    },

    /** When the identity last signed in (shown on the account page); a failure to record it is not the user's problem. */
    async recordUse(p: { issuer: string; subject: string }): Promise<void> {
      const found = identities.find(p.issuer, p.subject);
      if (found) await identities.touch(found).catch(() => {});
    },

    /** A free username from the claims (the provider's username, the e-mail's name part, the name), or a made-up one. */
    suggestUsername(p: OidcPerson): string {
      const bases = [p.username, p.email?.split('@')[0], p.name].map(usernameFrom).filter((b): b is string => !!b);
      for (const base of bases) {
        if (!users.byUsername(base)) return base;
        for (let n = 2; n < 100; n++) {
          const candidate = `${base.slice(0, 29)}${n}`;
          if (!users.byUsername(candidate)) return candidate;
        }
      }
      return `member${randomInt(10_000, 99_999)}`;
    },

    /**
     * A first sign-in becomes an account with the chosen username and no password. When the identity
     * was linked meanwhile (the form sent twice), its account is the answer.
     */
    async createAccount(username: string, p: PendingIdentity): Promise<{ userId: string; created: boolean }> {
      const existing = identities.find(p.issuer, p.subject);
      if (existing && users.peek(existing.userId)) return { userId: existing.userId, created: false };
      if (existing) await identities.unlink(existing);
      // Name check, user and identity in one transaction: both are written, or neither.
      let created: User | undefined;
      await saved(
        users.insert(username, undefined, 'learner', (user) => {
          const ops = identities.linkOps(user.id, p);
          if (!ops) throw conflict('This identity was linked to another account a moment ago.');
          return ops;
        }).then((u) => void (created = u)),
      );
      if (!created) throw conflict('That username is taken.');
      return { userId: created.id, created: true };
    },

    /** Links the identity to a signed-in user; refuses one that signs in to another account. */
    async link(userId: string, p: OidcPerson): Promise<'linked' | 'already'> {
      const existing = identities.find(p.issuer, p.subject);
      if (existing && users.peek(existing.userId)) {
        if (existing.userId === userId) return 'already';
        throw conflict('That identity already signs in to another Onramp account. Sign in with it and unlink it there first.');
      }
      if (existing) await identities.unlink(existing);
      let linked: Identity | undefined;
      await saved(identities.link(userId, { issuer: p.issuer, subject: p.subject, display: display(p) }).then((i) => void (linked = i)));
      if (!linked) throw conflict('That identity was linked to another account a moment ago.');
      return 'linked';
    },

    list: (userId: string): Identity[] => identities.ofUser(userId),

    /** Whether the user can still sign in once this identity is gone; refuses to lock them out. */
    async unlink(userId: string, key: string): Promise<Identity> {
      const all = identities.ofUser(userId);
      const target = all.find((i) => i.key === key);
      if (!target) throw notFound('That identity is not linked to your account.');
      const user: User | undefined = users.byId(userId);
      const hasPassword = deps.passwordLogin && !!user?.passwordHash;
      const others = all.filter((i) => i.key !== key && i.issuer === normalIssuer(deps.issuer));
      if (!hasPassword && others.length === 0) {
        throw invalid('This identity is the only way you can sign in to this account, so it stays linked.');
      }
      await saved(identities.unlink(target));
      return target;
    },

    /** Whether some admin could sign in with the provider (PASSWORD_LOGIN=off needs one). */
    adminCanSignIn: () => identities.anyAt(deps.issuer, users.all().filter((u) => u.role === 'admin').map((u) => u.id)),
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
