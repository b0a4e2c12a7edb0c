/** What a benchmark scenario gets: a real server started on the large benchmark store. */
export interface BenchContext {
  /** Base URL of the real Onramp server (loopback). */
  url: string;
  /** Bearer tokens of learners in the store (at least 500). */
  tokens: string[];
  /** Bearer token of a user with the admin role (may host sessions and review the FAQ). */
  adminToken: string;
  /** The workshop used by the scenarios and its step ids. */
  workshop: { slug: string; steps: string[] };
  /** Server process id (for RSS readings from /proc/<pid>/status). */
  serverPid: number;
  /** Several instances on one database (PostgreSQL): participants act and listen on these in turn; the host stays on `url`. */
  urls?: string[];
  /** Prints one line of the report. */
  log: (line: string) => void;
}

export type Scenario = (ctx: BenchContext) => Promise<void>;
