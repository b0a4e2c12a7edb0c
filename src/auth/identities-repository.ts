import { createHash } from 'node:crypto';
import type { Op, Store } from '../lib/store/store-api.ts';

/** An account at an OpenID Connect provider, linked to one Onramp account. */
export interface Identity {
  /** Derived from issuer and subject: one record per identity, so it can belong to one account only. */
  key: string;
  issuer: string;
  /** The provider's stable id for the person (`sub`); never their e-mail, which can change hands. */
  subject: string;
  userId: string;
  /** What the account page shows to tell identities apart (the provider's username or e-mail). */
  display: string;
  linkedAt: string;
  lastUsedAt?: string;
}

/** Issuers are compared without a trailing slash (`https://id.example` and `https://id.example/` are one). */
export const normalIssuer = (issuer: string) => issuer.replace(/\/+$/, '');
const keyOf = (issuer: string, subject: string) => createHash('sha256').update(`${normalIssuer(issuer)}\n${subject}`).digest('hex');

/** The `identities` collection: by issuer and subject (unique), and by user. */
export function createIdentitiesRepository(store: Store) {
  /**
   * The records that link an identity to a user, or undefined when it is linked already (to anyone).
   * Commit them in a transaction that read this (see `link`, or the users repository's insert).
   */
  function linkOps(userId: string, claims: { issuer: string; subject: string; display: string }): Op[] | undefined {
    const key = keyOf(claims.issuer, claims.subject);
    if (store.peek('identities', key)) return undefined;
    const identity: Identity = { key, issuer: normalIssuer(claims.issuer), subject: claims.subject, userId, display: claims.display, linkedAt: new Date().toISOString() };
    return [{ c: 'identities', k: key, v: identity }];
  }

  return {
    find: (issuer: string, subject: string) => store.peek<Identity>('identities', keyOf(issuer, subject)),
    ofUser: (userId: string) =>
      store
        .keysOf('identities', 'user', userId)
        .flatMap((k) => store.get<Identity>('identities', k) ?? [])
        .sort((a, b) => a.linkedAt.localeCompare(b.linkedAt)),
    linkOps,
    /** Links an identity to a user, checked and written in one transaction; undefined when it is linked already. */
    async link(userId: string, claims: { issuer: string; subject: string; display: string }): Promise<Identity | undefined> {
      let ops: Op[] | undefined;
      await store.transact(() => (ops = linkOps(userId, claims)) ?? []);
      return ops?.[0]!.v as Identity | undefined;
    },
    /** Records a sign-in with the identity (shown on the account page). */
    touch: (identity: Readonly<Identity>) => store.commit([{ c: 'identities', k: identity.key, v: { ...identity, lastUsedAt: new Date().toISOString() } }]),
    unlink: (identity: Readonly<Identity>) => store.commit([{ c: 'identities', k: identity.key, v: null }]),
    removeAllOf: (userId: string) => store.commit(store.keysOf('identities', 'user', userId).map((k) => ({ c: 'identities', k, v: null }))),
    /** Whether any of these users has an identity at the issuer (start-up check of PASSWORD_LOGIN=off). */
    anyAt(issuer: string, userIds: readonly string[]): boolean {
      return userIds.some((id) => store.keysOf('identities', 'user', id).some((k) => store.peek<Identity>('identities', k)?.issuer === normalIssuer(issuer)));
    },
  };
}

export type IdentitiesRepository = ReturnType<typeof createIdentitiesRepository>;
