import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../lib/errors.ts';
import { onPaths } from '../lib/security.ts';
import { parse } from '../lib/validate.ts';
import { currentUser, requireUser } from '../lib/web/roles.ts';
import type { LabChecks } from './lab-checks.ts';
import { labRow, poolCounts, sshLine, waitingRow } from './lab-views.ts';
import { CheckBody, LabBody, labsFromCsv, LAB_LIMITS, toLabInput } from './labs-schemas.ts';
import type { LabsService } from './labs-service.ts';

const POOL_PATH = '/sessions/:id/labs';

/** A pool may be sent as the CSV itself (`curl --data-binary @labs.csv -H "Content-Type: text/csv"`); only this route reads CSV. */
export const labsCsvBody: RequestHandler = onPaths('POST', [`/api${POOL_PATH}`], express.text({ type: 'text/csv', limit: LAB_LIMITS.csv }));

const PoolBody = z.strictObject({ labs: z.array(z.unknown()).min(1).max(LAB_LIMITS.pool) });

/** JSON API: the pool for hosts (never a secret in a list), a participant's own lab, and "Check my lab". */
export function labsApi(deps: { labs: LabsService; checks: LabChecks }): Router {
  const { labs, checks } = deps;
  const r = Router();
  const me = (req: Request) => currentUser(req)!;
  const sid = (req: Request) => String(req.params.id);

  r.get(POOL_PATH, requireUser, (req, res) => {
    const s = labs.staffOf(sid(req), me(req));
    const pool = labs.pool(s.id);
    const waiting = labs.waiting(s.id);
    res.json({ labs: pool.map(labRow), waiting: waiting.map(waitingRow), counts: poolCounts(pool, waiting) });
  });

  r.post(POOL_PATH, requireUser, async (req, res) => {
    labs.runBy(sid(req), me(req));
    let inputs;
    if (typeof req.body === 'string') {
      const { labs: rows, problems } = labsFromCsv(req.body);
      if (problems.length) throw new AppError(422, 'validation_failed', 'The CSV has problems; nothing was loaded.', Object.fromEntries(problems.map((p, i) => [String(i), p])));
      inputs = rows;
    } else {
      const body = parse(PoolBody, req.body);
      inputs = body.labs.map((l, i) => {
        const parsed = LabBody.safeParse(l);
        if (!parsed.success) throw new AppError(422, 'validation_failed', `Lab ${i + 1} needs attention; nothing was loaded.`, Object.fromEntries(parsed.error.issues.map((x) => [`labs.${i}.${x.path.join('.')}`, x.message])));
        return toLabInput(parsed.data);
      });
    }
    const message = await labs.add(sid(req), me(req), inputs);
    res.status(201).json({ loaded: inputs.length, message });
  });

  /** The caller's own lab, with its password or key (this is the one place a participant's API gets it). */
  r.get('/sessions/:id/lab', requireUser, (req, res) => {
    const s = labs.session(sid(req));
    const lab = labs.labOf(s.id, me(req).id);
    if (!lab) return void res.json({ lab: null, waiting: labs.placeInLine(s.id, me(req).id) ?? null });
    const { holder: _holder, lastCheck: _last, ...row } = labRow(lab);
    res.json({ lab: { ...row, ssh: sshLine(lab), secret: labs.secretOf(lab) }, waiting: null });
  });

  r.post('/sessions/:id/lab/check', requireUser, async (req, res) => {
    const { step } = parse(CheckBody, req.body);
    res.json(await checks.check(sid(req), me(req), step));
  });

  return r;
}
