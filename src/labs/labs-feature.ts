import type { AppContext, Feature } from '../lib/feature.ts';
import { networkAllowList } from '../lib/networks.ts';
import type { Store } from '../lib/store/store.ts';
import type { ProgressPort } from '../progress/progress-port.ts';
import type { SessionsPort } from '../sessions/sessions-port.ts';
import type { Catalog } from '../workshops/workshops-port.ts';
import { createSecretBox } from './lab-crypto.ts';
import { createLabChecks } from './lab-checks.ts';
import { labStepDecorator } from './lab-step.ts';
import { labsApi, labsCsvBody } from './labs-api.ts';
import { dashboardPart, labsPages } from './labs-pages.ts';
import type { LabsPort } from './labs-port.ts';
import { createLabsRepository } from './labs-repository.ts';
import { createLabsService } from './labs-service.ts';
import { canRun } from '../sessions/sessions-port.ts';

export interface LabsDeps extends AppContext {
  store: Store;
  catalog: Catalog;
  sessions: SessionsPort;
  progress: ProgressPort;
}

/** How often sessions that ended by the clock give their labs back. */
const SWEEP_MS = 60_000;

/** Workshop labs: a pool of lab machines per live session, handed out to participants, and checkpoints run on them (see README.md). */
export function labsFeature(deps: LabsDeps): Feature & { port: LabsPort } {
  const { config, log } = deps;
  const box = createSecretBox(config.labs.secret, config.labs.previousSecret);
  const allow = networkAllowList(config.labs.networks);
  const repo = createLabsRepository(deps.store);
  const labs = createLabsService({ repo, box, sessions: deps.sessions, log });
  const checks = createLabChecks({ labs, progress: deps.progress, catalog: deps.catalog, allow, timeoutMs: config.labs.timeoutMs });
  let sweeper: NodeJS.Timeout | undefined;

  return {
    pages: { segments: ['sessions'], router: labsPages({ labs, checks, sessions: deps.sessions, networksSet: !allow.empty, timeoutMs: config.labs.timeoutMs }) },
    api: { segments: ['sessions'], router: labsApi({ labs, checks }) },
    // A lab's private key, and a pool's CSV with keys in it, are pasted text.
    pasteRoutes: ['/sessions/:id/labs', '/sessions/:id/labs/import', '/api/sessions/:id/labs'],
    bodyParsers: [labsCsvBody],
    stepDecorators: [labStepDecorator({ labs, sessions: deps.sessions, allow })],
    port: {
      joined: (e) => labs.joined(e),
      ended: (sessionId) => labs.endSession(sessionId),
      dashboard: (sessionId, user) =>
        labs.enabled || labs.hasLabs(sessionId) ? { labsPanel: dashboardPart(labs, sessionId, canRun(deps.sessions.access(sessionId, user))) } : {},
    },
    start: async () => {
      // Stored secrets that no configured key opens stop the start, with what to do (lab-crypto.ts).
      let old = 0;
      for (const l of repo.all()) {
        box.check(l.secret);
        if (!box.isCurrent(l.secret)) old += 1;
      }
      if (old) log(`labs: ${old} lab secret(s) are sealed with LAB_SECRET_PREVIOUS; run npm run labs:rekey, then remove LAB_SECRET_PREVIOUS`);
      await labs.sweep();
      sweeper = setInterval(() => labs.sweep().catch((err) => log(`labs: releasing the labs of ended sessions failed: ${(err as Error).message}`)), SWEEP_MS);
      sweeper.unref();
    },
    stop: () => clearInterval(sweeper),
  };
}
