import type { Store } from '../lib/store/store.ts';

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
    /** A copy to change and save. */
    get: (userId: string) => store.get<Inbox>('notifications', userId),
    save: (inbox: Inbox) => store.commit([{ c: 'notifications', k: inbox.userId, v: inbox }]),
    remove: (userId: string) => (store.peek('notifications', userId) ? store.commit([{ c: 'notifications', k: userId, v: null }]) : Promise.resolve()),
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
