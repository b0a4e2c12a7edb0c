import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { AppError, forbidden, notFound } from '../lib/errors.ts';
import { fieldErrors } from '../lib/validate.ts';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireUser } from '../lib/web/roles.ts';
import { canRun, type SessionsPort } from '../sessions/sessions-port.ts';
import type { LabChecks } from './lab-checks.ts';
import { labRow, poolCounts, sshLine, waitingRow } from './lab-views.ts';
import { AssignBody, BrokenBody, CheckBody, CsrfOnly, ImportBody, LabBody, labsFromCsv, LAB_LIMITS, toLabInput } from './labs-schemas.ts';
import type { LabsService } from './labs-service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The add-a-lab form comes back with what was typed, except the password and the key. */
const KEPT = ['name', 'host', 'port', 'username', 'hostKey', 'consoleUrl', 'notes'] as const;

/** The hosts' pool page and its forms, the dashboard's labs panel, and the participants' two buttons. */
export function labsPages(deps: { labs: LabsService; checks: LabChecks; sessions: SessionsPort; networksSet: boolean; timeoutMs: number }): Router {
  const { labs, checks, sessions } = deps;
  const r = Router();
  const sid = (req: Request) => String(req.params.id);
  const me = (req: Request) => currentUser(req)!;
  const labId = (req: Request) => {
    const id = String(req.params.labId);
    if (!UUID.test(id)) throw notFound('This session has no such lab.');
    return id;
  };

  function renderPool(req: Request, res: Response, form: { values?: Record<string, string>; errors?: Record<string, string>; csv?: string; problems?: string[] } = {}, status = 200) {
    const s = labs.staffOf(sid(req), me(req));
    const access = sessions.access(s.id, me(req));
    const pool = labs.pool(s.id);
    const waiting = labs.waiting(s.id);
    res.status(status).render('labs/pool', {
      title: `Labs · ${s.title}`,
      s,
      enabled: labs.enabled,
      networksSet: deps.networksSet,
      canRun: canRun(access),
      revealsSecrets: access === 'host',
      labs: pool.map(labRow),
      waiting: waiting.map(waitingRow),
      counts: poolCounts(pool, waiting),
      participants: sessions.participants(s.id),
      values: form.values ?? { port: '22' },
      errors: form.errors ?? {},
      csv: form.csv ?? '',
      problems: form.problems ?? [],
      max: LAB_LIMITS,
    });
  }

  /** A host's action from a form: its message, or what refused it, shows on the pool page. */
  function action<S extends z.ZodType>(schema: S, run: (req: Request, body: z.output<S>) => Promise<string>) {
    return async (req: Request, res: Response) => {
      const parsed = schema.safeParse(req.body);
      let message: string | undefined;
      if (!parsed.success) message = Object.values(fieldErrors(parsed.error))[0];
      else {
        try {
          message = await run(req, parsed.data);
        } catch (err) {
          if (!(err instanceof AppError) || err.status >= 500 || err.status === 403 || err.status === 404) throw err;
          message = Object.values(err.details ?? {})[0] ?? err.message;
        }
      }
      if (message) flash(res, message);
      res.redirect(303, `/sessions/${sid(req)}/labs`);
    };
  }

  r.get('/sessions/:id/labs', requireUser, (req, res) => renderPool(req, res));

  r.post('/sessions/:id/labs', requireUser, async (req, res) => {
    const values = Object.fromEntries(KEPT.map((k) => [k, typeof req.body?.[k] === 'string' ? String(req.body[k]).slice(0, 600) : '']));
    const parsed = LabBody.safeParse(req.body);
    if (!parsed.success) return renderPool(req, res, { values, errors: fieldErrors(parsed.error) }, 422);
    try {
      flash(res, await labs.add(sid(req), me(req), [toLabInput(parsed.data)]));
    } catch (err) {
      if (err instanceof AppError && err.status === 422) return renderPool(req, res, { values, errors: err.details ?? { form: err.message } }, 422);
      throw err;
    }
    res.redirect(303, `/sessions/${sid(req)}/labs`);
  });

  r.post('/sessions/:id/labs/import', requireUser, async (req, res) => {
    const parsed = ImportBody.safeParse(req.body);
    const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
    if (!parsed.success) return renderPool(req, res, { csv: csv.slice(0, LAB_LIMITS.csv), problems: Object.values(fieldErrors(parsed.error)) }, 422);
    labs.runBy(sid(req), me(req));
    const { labs: rows, problems } = labsFromCsv(parsed.data.csv);
    if (problems.length) return renderPool(req, res, { csv, problems }, 422);
    try {
      flash(res, await labs.add(sid(req), me(req), rows));
    } catch (err) {
      if (err instanceof AppError && err.status === 422) return renderPool(req, res, { csv, problems: Object.values(err.details ?? { form: err.message }) }, 422);
      throw err;
    }
    res.redirect(303, `/sessions/${sid(req)}/labs`);
  });

  r.post('/sessions/:id/labs/remove-all', requireUser, action(CsrfOnly, (req) => labs.removeAll(sid(req), me(req))));
  r.post('/sessions/:id/labs/:labId/assign', requireUser, action(AssignBody, (req, b) => labs.assign(sid(req), me(req), labId(req), b.userId)));
  r.post('/sessions/:id/labs/:labId/release', requireUser, action(CsrfOnly, (req) => labs.release(sid(req), me(req), labId(req))));
  r.post('/sessions/:id/labs/:labId/broken', requireUser, action(BrokenBody, (req, b) => labs.setBroken(sid(req), me(req), labId(req), b.broken === '1')));
  r.post('/sessions/:id/labs/:labId/forget-host-key', requireUser, action(CsrfOnly, (req) => labs.forgetHostKey(sid(req), me(req), labId(req))));
  r.post('/sessions/:id/labs/:labId/remove', requireUser, action(CsrfOnly, (req) => labs.remove(sid(req), me(req), labId(req))));
  r.post('/sessions/:id/labs/:labId/test', requireUser, action(CsrfOnly, (req) => checks.probe(sid(req), me(req), labId(req))));

  // The dashboard's panel alone, for its script to refresh it (labs change by joins, swaps and checks).
  r.get('/sessions/:id/labs/panel', requireUser, (req, res) => {
    const s = labs.staffOf(sid(req), me(req));
    res.render('labs/host-panel', dashboardPart(labs, s.id, canRun(sessions.access(s.id, me(req)))));
  });

  // One lab with its password or key: for the session's hosts only (not helpers, not admins who do not host it).
  r.get('/sessions/:id/labs/:labId', requireUser, (req, res) => {
    const s = labs.staffOf(sid(req), me(req));
    if (sessions.access(s.id, me(req)) !== 'host') throw forbidden('Only the hosts of this session see a lab’s password or key.');
    const lab = labs.pool(s.id).find((l) => l.id === labId(req));
    if (!lab) throw notFound('This session has no such lab.');
    res.render('labs/lab', { title: `${lab.name} · ${s.title}`, s, lab: labRow(lab), ssh: sshLine(lab), secret: labs.secretOf(lab) });
  });

  /** The participant's buttons on a step page come back to that step. */
  const stepUrl = (workshop: string, step: string) => `/workshops/${workshop}/steps/${step}`;

  r.post('/sessions/:id/lab/check', requireUser, async (req, res) => {
    const s = labs.session(sid(req));
    const parsed = CheckBody.safeParse(req.body);
    if (!parsed.success) throw notFound('This step has no checkpoint.');
    const step = parsed.data.step;
    try {
      const out = await checks.check(s.id, me(req), step);
      if (!out.ok) {
        flash(res, `Onramp could not check ${out.lab}. ${out.message}`);
        return res.redirect(303, `${stepUrl(s.workshop, step)}#lab`);
      }
      flash(res, `Onramp ran “${out.command}” on ${out.lab} and checked its output.`);
      res.redirect(303, `${stepUrl(s.workshop, step)}?attempt=${out.attempt}#checkpoint-result`);
    } catch (err) {
      if (!(err instanceof AppError) || err.status === 403 || (err.status >= 500 && err.status !== 503)) throw err;
      flash(res, err.message);
      res.redirect(303, `${stepUrl(s.workshop, step)}#lab`);
    }
  });

  r.post('/sessions/:id/lab/give-back', requireUser, async (req, res) => {
    const s = labs.session(sid(req));
    const parsed = CheckBody.safeParse(req.body);
    flash(res, await labs.giveBack(s.id, me(req)));
    res.redirect(303, parsed.success ? `${stepUrl(s.workshop, parsed.data.step)}#lab` : `/sessions/${s.id}`);
  });

  return r;
}

/** The labs part of the hosts' dashboard (also served alone for its script). */
export function dashboardPart(labs: LabsService, sessionId: string, runs: boolean) {
  const pool = labs.pool(sessionId);
  const waiting = labs.waiting(sessionId);
  return { sessionId, enabled: labs.enabled, canRun: runs, labs: pool.map(labRow), waiting: waiting.map(waitingRow), counts: poolCounts(pool, waiting) };
}
