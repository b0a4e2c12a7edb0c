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
