import type { DeepReadonly, Store } from '../lib/store/store.ts';

export interface PasswordReset {
  /** SHA-256 of the link's secret: the secret itself is never stored. */
  hash: string;
  userId: string;
  expires: number;
  createdBy: string;
}

export function createPasswordResetsRepository(store: Store) {
  return {
    find: (hash: string): DeepReadonly<PasswordReset> | undefined => store.peek<PasswordReset>('passwordResets', hash),
    save: (r: PasswordReset) => store.commit([{ c: 'passwordResets', k: r.hash, v: r }]),
    remove: (hash: string) => store.commit([{ c: 'passwordResets', k: hash, v: null }]),
  };
}

export type PasswordResetsRepository = ReturnType<typeof createPasswordResetsRepository>;
