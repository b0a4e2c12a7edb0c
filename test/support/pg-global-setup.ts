import type { TestProject } from 'vitest/node';
import { openPgStore } from '../../src/lib/db.ts';
import { adminQuery, startCluster, type PgCluster } from './pg-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port of the run's PostgreSQL cluster (ONRAMP_TEST_STORE=pg), 0 otherwise. */
    pgPort: number;
  }
}

export const TEMPLATE_DB = 'onramp_template';

/**
 * With ONRAMP_TEST_STORE=pg, one PostgreSQL cluster serves the whole run: started here, with a
 * template database that has Onramp's tables, from which each app a test builds gets its own database.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.ONRAMP_TEST_STORE !== 'pg') {
    project.provide('pgPort', 0);
    return () => {};
  }
  const started = performance.now();
  let cluster: PgCluster | undefined;
  try {
    cluster = await startCluster();
    await adminQuery(cluster, `CREATE DATABASE ${TEMPLATE_DB}`);
    const store = await openPgStore(cluster.url(TEMPLATE_DB), { log: () => {} });
    await store.close();
  } catch (err) {
    cluster?.destroy();
    throw err;
  }
  console.log(`PostgreSQL test cluster on 127.0.0.1:${cluster.port} ready in ${Math.round(performance.now() - started)} ms`);
  project.provide('pgPort', cluster.port);
  return () => cluster!.destroy();
}
