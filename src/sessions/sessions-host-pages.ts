import { Router, type Request, type Response } from 'express';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireUser } from '../lib/web/roles.ts';
import { AppError, forbidden } from '../lib/errors.ts';
import { fieldErrors } from '../lib/validate.ts';
import type { z } from 'zod';
import type { SessionsContext } from './sessions-context.ts';
import { AnnouncementBody, AnswerBody, CsrfOnly, EndForm, PinBody, RoomStepBody } from './sessions-schemas.ts';
import { phaseOf } from './session-time.ts';
import { reportCsv } from './report-csv.ts';
import { isStaff } from './sessions-types.ts';

/** The hosts' dashboard and report. Every form works without JavaScript and comes back here. */
export function sessionsHostPages(ctx: SessionsContext): Router {
  const r = Router();
  const { sessions, live, room, reports } = ctx;
  const id = (req: Request) => String(req.params.id);

  /** Runs a host action from a form; a refused input, or what the action says, becomes a message on the dashboard. */
  function action<S extends z.ZodType>(schema: S, run: (req: Request, body: z.output<S>) => Promise<unknown>, to = 'host', done?: string) {
    return async (req: Request, res: Response) => {
      const parsed = schema.safeParse(req.body);
      let message = done;
      if (!parsed.success) message = Object.values(fieldErrors(parsed.error))[0];
      else {
        try {
          const said = await run(req, parsed.data);
          if (typeof said === 'string') message = said;
        } catch (err) {
          if (!(err instanceof AppError) || (err.status >= 500 && err.code !== 'faq_unavailable') || err.status === 403 || err.status === 404) throw err;
          message = Object.values(err.details ?? {})[0] ?? err.message;
        }
      }
      if (message) flash(res, message);
      res.redirect(303, `/sessions/${id(req)}/${to}`);
    };
  }

  r.get('/sessions/:id/host', requireUser, (req, res) => {
    const s = sessions.get(req.params.id);
    const user = currentUser(req)!;
    if (!isStaff(sessions.access(s, user))) throw forbidden('Only the hosts and helpers of this session see its dashboard.');
    const state = live.state(s, user);
    const parts = Object.assign({}, ...ctx.extensions.map((e) => e.dashboard?.(s.id, user) ?? {}));
    res.render('sessions/host', { title: `Dashboard · ${s.title}`, state, now: Date.now(), ...parts });
  });

  r.post('/sessions/:id/host/announcements', requireUser, action(AnnouncementBody, (req, b) => room.announce(id(req), currentUser(req)!, b.text)));
  r.post('/sessions/:id/host/room-step', requireUser, action(RoomStepBody, (req, b) => room.setRoomStep(id(req), currentUser(req)!, b.step)));
  r.post('/sessions/:id/host/start', requireUser, action(CsrfOnly, (req) => room.start(id(req), currentUser(req)!)));
  // Ending cannot be undone and stops everyone's live page: it is asked for on a page of its own first.
  const runnable = (req: Request) => {
    const s = sessions.get(req.params.id);
    const access = sessions.access(s, currentUser(req));
    if (access !== 'host' && access !== 'admin') throw forbidden('Only the hosts of this session can end it.');
    return s;
  };
  r.get('/sessions/:id/host/end', requireUser, (req, res) => {
    const s = runnable(req);
    if (phaseOf(s) === 'ended') return res.redirect(303, `/sessions/${s.id}/report`);
    const state = live.state(s, currentUser(req));
    res.render('sessions/end', { title: `End · ${s.title}`, session: state.session, participants: state.room.participants, stuck: state.room.stuck, open: state.questions.filter((q) => !q.answered).length });
  });
  r.post('/sessions/:id/host/end', requireUser, async (req, res) => {
    runnable(req);
    const parsed = EndForm.safeParse(req.body);
    // Without the confirmation (an old page, a stray click), the question is asked first.
    if (!parsed.success || parsed.data.confirm !== 'yes') return res.redirect(303, `/sessions/${id(req)}/host/end`);
    await room.end(id(req), currentUser(req)!);
    flash(res, 'The session has ended.');
    res.redirect(303, `/sessions/${id(req)}/report`);
  });
  r.post('/sessions/:id/host/stuck/:userId/claim', requireUser,
    action(CsrfOnly, async (req) => {
      const p = await live.claim(sessions.get(req.params.id), currentUser(req)!, String(req.params.userId));
      return `You are on it: the other helpers see that you are helping ${p.username}.`;
    }));
  r.post('/sessions/:id/host/questions/:qid/answer', requireUser,
    action(AnswerBody, (req, b) => room.answer(id(req), currentUser(req)!, String(req.params.qid), b.answer || undefined)));
  r.post('/sessions/:id/host/questions/:qid/pin', requireUser,
    action(PinBody, (req, b) => room.pin(id(req), currentUser(req)!, String(req.params.qid), b.pinned)));

  r.get('/sessions/:id/report', requireUser, (req, res) => {
    const s = sessions.get(req.params.id);
    res.render('sessions/report', { title: `Report · ${s.title}`, report: reports.report(s, currentUser(req)) });
  });

  r.get('/sessions/:id/report.csv', requireUser, (req, res) => {
    const s = sessions.get(req.params.id);
    const table = req.query.table === 'participants' ? 'participants' : 'steps';
    const csv = reportCsv(reports.report(s, currentUser(req)), table);
    res.type('text/csv; charset=utf-8');
    res.attachment(`session-${s.startsAt.slice(0, 10)}-${table}.csv`);
    res.send(csv);
  });

  r.post('/sessions/:id/report/questions/:qid/faq-draft', requireUser,
    action(CsrfOnly, async (req) => {
      const d = await reports.faqDraft(id(req), currentUser(req)!, String(req.params.qid));
      return d.created ? 'An FAQ draft is in the review queue.' : 'This question already has an FAQ draft.';
    }, 'report'));

  return r;
}
