import type { Router } from 'express';

/** A feature plugs its pages and API into the app and may run work at start and stop. */
export interface Feature {
  /** Pages, mounted at the root. */
  router?: Router;
  /** JSON API, mounted under /api. */
  api?: Router;
  start?: () => Promise<void>;
  stop?: () => void;
}
