/** A data file cannot be trusted; start-up stops and the file is left untouched. */
export class StoreCorruptError extends Error {
  constructor(
    public readonly file: string,
    reason: string,
  ) {
    super(`Data file ${file} is unreadable: ${reason}. Onramp will not start on it and has not changed it; ` +
      'restore a backup with `npm run restore FILE` or move the data folder aside.');
    this.name = 'StoreCorruptError';
  }
}

/** Another process holds the data folder. */
export class StoreLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(`Data folder ${dir} is in use by another Onramp process (pid ${pid}). ` +
      'Stop it first, or point DATA_DIR at another folder.');
    this.name = 'StoreLockedError';
  }
}

/** The disk refused a write (full, read-only, I/O error); nothing from the failed batch was kept. */
export class StoreWriteError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The data store could not write to disk: ${(cause as Error)?.message ?? cause}`);
    this.name = 'StoreWriteError';
  }
}

/**
 * The commit was not applied: a record it writes was changed by another instance since this one read
 * it, or a value that must be unique (a username, a join code) is taken. Nothing of it was kept.
 */
export class StoreConflictError extends Error {
  constructor(
    readonly reason: 'changed' | 'unique',
    detail: string,
  ) {
    super(reason === 'unique' ? `A unique value is taken (${detail})` : `Records changed meanwhile (${detail})`);
    this.name = 'StoreConflictError';
  }
}

/** The database cannot be reached (or did not answer in time); nothing was acknowledged. */
export class StoreUnavailableError extends Error {
  constructor(override readonly cause: unknown) {
    super(`The database is not reachable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'StoreUnavailableError';
  }
}
