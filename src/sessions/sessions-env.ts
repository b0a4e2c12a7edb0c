import type { Log } from '../lib/feature.ts';
import type { AccountsPort } from '../auth/auth-port.ts';
import type { FaqPort } from '../faq/faq-port.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';

/** What the feature uses of the rest of the app: each through its port. */
export interface SessionsEnv {
  catalog: Catalog;
  accounts: AccountsPort;
  progress: ProgressPort;
  faq: FaqPort;
  log: Log;
}
