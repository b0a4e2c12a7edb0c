import { defineConfig } from 'vitest/config';
import { isClientWriteAfterClose } from './src/lib/store/pg/pg-util.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and crash tests start real servers; two cores do not benefit from more workers.
    maxWorkers: 2,
    // Temp folders made with tempDir() are removed after each test file.
    setupFiles: ['./test/support/setup.ts'],
    // ONRAMP_TEST_STORE=pg: one PostgreSQL cluster for the run, a database per app (test/support/pg-global-setup.ts).
    globalSetup: ['./test/support/pg-global-setup.ts'],
    reporters: ['default', './test/support/totals-reporter.ts'],
    // The postgres client's one known throw after a connection closed (the outage test can meet it);
    // a running server survives it the same way (pg-util.ts). Every other unhandled error counts.
    onUnhandledError: (err) => !isClientWriteAfterClose(err),
  },
});
