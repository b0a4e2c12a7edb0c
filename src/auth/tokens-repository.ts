import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DeepReadonly, Store } from '../lib/store/store.ts';

/** What a token may do: everything its owner may (`all`), or only post checkpoint output (`checkpoints`). */
export const TOKEN_SCOPES = ['all', 'checkpoints'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  hash: string;
  createdAt: string;
  lastUsedAt?: string;
  /** Absent on tokens made before scopes existed: those may do everything. */
  scopes?: TokenScope[];
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Personal access tokens: only a SHA-256 of each token is stored; the token is shown once. */
export function createTokensRepository(store: Store) {
  const ofUser = (userId: string) =>
    store
      .keysOf('tokens', 'owner', userId)
      .flatMap((k) => store.get<ApiToken>('tokens', k) ?? [])
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    async create(userId: string, name: string, scopes: TokenScope[] = ['all']): Promise<{ token: string; record: ApiToken }> {
      const token = `onr_${randomBytes(24).toString('base64url')}`;
      const record: ApiToken = { id: randomUUID(), userId, name, hash: hashToken(token), createdAt: new Date().toISOString(), scopes };
      await store.commit([{ c: 'tokens', k: record.hash, v: record }]);
      return { token, record };
    },
    /** The token's record, shared and frozen (read on every API call). */
    find(token: string) {
      if (!/^onr_[A-Za-z0-9_-]{32}$/.test(token)) return undefined;
      return store.peek<ApiToken>('tokens', hashToken(token));
    },
    forUser: ofUser,
    /** Records when a token was last used, at most every ten minutes (a write per call would cost every call). */
    touch(record: DeepReadonly<ApiToken>, now = Date.now()): void {
      if (record.lastUsedAt && now - Date.parse(record.lastUsedAt) < 10 * 60_000) return;
      store.commit([{ c: 'tokens', k: record.hash, v: { ...record, lastUsedAt: new Date(now).toISOString() } }]).catch(() => {});
    },
    async revoke(userId: string, id: string): Promise<boolean> {
      const t = ofUser(userId).find((x) => x.id === id);
      if (!t) return false;
      await store.commit([{ c: 'tokens', k: t.hash, v: null }]);
      return true;
    },
    /** Every token of the user, at once (password change, sign out everywhere, account deletion). */
    revokeAll: (userId: string) => store.commit(ofUser(userId).map((t) => ({ c: 'tokens', k: t.hash, v: null }))),
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
