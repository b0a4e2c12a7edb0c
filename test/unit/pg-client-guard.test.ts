import { describe, it, expect } from 'vitest';
import { isClientWriteAfterClose } from '../../src/lib/store/pg/pg-util.ts';

describe('the guard for the postgres client\'s write after close', () => {
  it('when the client throws from nextWrite on a closed connection, then it is recognised; any other error is not', () => {
    const bug = new TypeError("Cannot read properties of null (reading 'write')");
    bug.stack = `${bug.name}: ${bug.message}\n    at Immediate.nextWrite (/srv/onramp/node_modules/postgres/src/connection.js:255:22)\n    at process.processImmediate (node:internal/timers:483:21)`;
    expect(isClientWriteAfterClose(bug)).toBe(true);
    const ours = new TypeError("Cannot read properties of null (reading 'write')");
    ours.stack = `${ours.name}: ${ours.message}\n    at write (/srv/onramp/src/sessions/live-broker.ts:40:5)`;
    expect(isClientWriteAfterClose(ours)).toBe(false);
    expect(isClientWriteAfterClose(new Error('boom'))).toBe(false);
    expect(isClientWriteAfterClose(null)).toBe(false);
  });
});
