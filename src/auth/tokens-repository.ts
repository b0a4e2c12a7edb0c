import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../lib/store/store.ts';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  hash: string;
  createdAt: string;
  lastUsedAt?: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Personal access tokens: only a SHA-256 of each token is stored; the token is shown once. */
export function createTokensRepository(store: Store) {
  return {
    async create(userId: string, name: string): Promise<{ token: string; record: ApiToken }> {
      const token = `onr_${randomBytes(24).toString('base64url')}`;
      const record: ApiToken = { id: randomUUID(), userId, name, hash: hashToken(token), createdAt: new Date().toISOString() };
      await store.commit([{ c: 'tokens', k: record.hash, v: record }]);
      return { token, record };
    },
    /** The token's record, shared and frozen (read on every API call). */
    find(token: string) {
      if (!/^onr_[A-Za-z0-9_-]{32}$/.test(token)) return undefined;
      return store.peek<ApiToken>('tokens', hashToken(token));
    },
    forUser: (userId: string) => [...store.values<ApiToken>('tokens')].filter((t) => t.userId === userId),
    async revoke(userId: string, id: string): Promise<boolean> {
      const t = [...store.values<ApiToken>('tokens')].find((x) => x.id === id && x.userId === userId);
      if (!t) return false;
      await store.commit([{ c: 'tokens', k: t.hash, v: null }]);
      return true;
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
