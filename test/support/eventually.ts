/**
 * How long a test waits for what the app does in the background (a prune at start, a stream's event,
 * a count flushed later) before it fails: `await vi.waitFor(() => expect(…), SETTLES)`. Polling with a
 * bound keeps a slow machine from failing a test that a fixed sleep would, and a regression still fails
 * after 5 s.
 */
export const SETTLES = { timeout: 5000, interval: 25 } as const;
