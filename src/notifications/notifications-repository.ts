import type { Store } from '../lib/store/store-api.ts';

/** Something that happened to a user's work ("changes requested on your entry"), shown in the header until read. */
export interface Notice {
  id: string;
  at: string;
  text: string;
  /** A local path to what it is about. */
  url: string;
  read: boolean;
}

/** One record per user: their latest notices and, if they gave one, the address to e-mail them too. */
export interface Inbox {
  userId: string;
  notices: Notice[];
  email?: string;
}

export function createNotificationsRepository(store: Store) {
  return {
    /** The shared, frozen record: read on every page a signed-in user opens (the header count). */
    peek: (userId: string) => store.peek<Inbox>('notifications', userId),
    /**
     * Reads the user's inbox (a copy; undefined if they have none), lets `fn` change it and saves what
     * it answers (undefined: nothing to save); on PostgreSQL again if another instance saved it meanwhile.
     */
    update: (userId: string, fn: (inbox: Inbox | undefined) => Inbox | undefined) =>
      store.transact(() => {
        const inbox = fn(store.get<Inbox>('notifications', userId));
        return inbox ? [{ c: 'notifications', k: userId, v: inbox }] : [];
      }),
    remove: (userId: string) => (store.peek('notifications', userId) ? store.commit([{ c: 'notifications', k: userId, v: null }]) : Promise.resolve()),
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
