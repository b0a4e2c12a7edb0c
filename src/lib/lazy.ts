import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded the first time it is used rather than at start-up. For what only some
 * instances or some requests need (SSH for labs, SMTP, the lab pool's CSV, readable logs for
 * development): each costs 50–100 ms to load, and start-up is measured (`npm run bench`).
 */
export function lazy<T>(name: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(name) as T);
}
