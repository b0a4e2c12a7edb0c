import { Router, type Request, type Response } from 'express';
import { flash } from '../lib/web/flash.ts';
import { currentUser, requireRole, requireUser } from '../lib/web/roles.ts';
import { AppError } from '../lib/errors.ts';
import { fieldErrors, isSlug } from '../lib/validate.ts';
import type { SessionsContext } from './sessions-context.ts';
import { normalizeCode } from './join-code.ts';
import { JoinBody, QuestionBody, SessionForm, StuckBody, VoteForm } from './sessions-schemas.ts';
import { sessionCalendar } from './session-calendar.ts';
import { phaseOf, zonedToUtc } from './session-time.ts';
import { sessionView, sortQuestions, questionView } from './session-views.ts';
import type { LiveSession } from './sessions-types.ts';

const defaults = () => {
  const next = new Date(Date.now() + 60 * 60_000);
  return { date: next.toISOString().slice(0, 10), time: `${next.toISOString().slice(11, 13)}:00`, timeZone: 'UTC', durationMinutes: '120', capacity: '30', occurrences: '1', coHosts: '', helpers: '' };
};

/** Pages for everyone: the listing, scheduling, a session's page, joining, and the participants' forms. */
export function sessionsPages(ctx: SessionsContext): Router {
  const r = Router();
  const { sessions, live, room, config } = ctx;
  const view = (req: Request, s: LiveSession) => sessionView(s, sessions.access(s, currentUser(req)), config.baseUrl, sessions.names);
  const workshopTitle = (slug: string) => sessions.workshops().get(slug)?.title ?? slug;

  /** Small forms answer with a message on the page they came from (they work without JavaScript). */
  /** `toHelp`: the form was the step's "I'm stuck" panel, which comes back open with what it found. */
  function back(req: Request, res: Response, s: LiveSession, message?: string, toHelp = false) {
    if (message) flash(res, message);
    const step = typeof req.body?.step === 'string' && isSlug(req.body.step) ? req.body.step : undefined;
    const stepUrl = `/workshops/${s.workshop}/steps/${step}`;
    res.redirect(303, !step ? `/sessions/${s.id}#questions` : toHelp ? `${stepUrl}?help=open#stuck` : `${stepUrl}#live-session`);
  }

  async function orMessage(req: Request, res: Response, s: LiveSession, action: () => Promise<unknown>, done?: string, toHelp = false) {
    try {
      await action();
      back(req, res, s, done, toHelp);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) throw err;
      back(req, res, s, Object.values(err.details ?? {})[0] ?? err.message, toHelp);
    }
  }

  const renderNew = (res: Response, values: Record<string, unknown>, errors: Record<string, string>, status = 200) =>
    res.status(status).render('sessions/new', { title: 'Schedule a live session', workshops: [...sessions.workshops().values()], values, errors });

  r.get('/sessions', (req, res) => {
    const user = currentUser(req);
    res.render('sessions/list', {
      title: 'Live sessions',
      upcoming: sessions.upcoming().map((s) => ({ ...view(req, s), workshopTitle: workshopTitle(s.workshop) })),
      mine: user ? sessions.mine(user).map((s) => ({ ...view(req, s), workshopTitle: workshopTitle(s.workshop) })) : [],
      canHost: !!user && ['host', 'maintainer', 'admin'].includes(user.role),
    });
  });

  r.get('/sessions/new', requireRole('host'), (_req, res) => renderNew(res, defaults(), {}));

  r.post('/sessions/new', requireRole('host'), async (req, res) => {
    const values = { ...defaults(), ...Object.fromEntries(Object.entries(req.body ?? {}).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, (v as string).slice(0, 400)])) };
    const parsed = SessionForm.safeParse(req.body);
    if (!parsed.success) return renderNew(res, values, fieldErrors(parsed.error), 422);
    const f = parsed.data;
    try {
      const created = await sessions.create(
        { ...f, startsAt: zonedToUtc(f.date, f.time, f.timeZone), occurrences: f.occurrences },
        currentUser(req)!,
      );
      flash(res, created.length > 1 ? `Scheduled ${created.length} weekly sessions.` : 'Session scheduled. Share the join code with your participants.');
      res.redirect(303, `/sessions/${created[0]!.id}`);
    } catch (err) {
      if (err instanceof AppError && err.status === 422) return renderNew(res, values, err.details ?? { form: err.message }, 422);
      throw err;
    }
  });

  r.get('/sessions/:id/calendar.ics', (req, res) => {
    const s = sessions.get(req.params.id);
    res.type('text/calendar; charset=utf-8');
    res.attachment(`onramp-session-${s.startsAt.slice(0, 10)}.ics`);
    // Those in the session (the hosts who send it out, participants) get the join code and the call link in it.
    const inside = sessions.access(s, currentUser(req)) !== 'none';
    res.send(sessionCalendar(s, workshopTitle(s.workshop), config.baseUrl, sessions.names(s.hosts), inside));
  });

  r.get('/sessions/:id', (req, res) => {
    const s = sessions.get(req.params.id);
    const user = currentUser(req);
    const v = view(req, s);
    const inside = v.access !== 'none';
    const workshop = sessions.workshops().get(s.workshop);
    res.render('sessions/show', {
      title: s.title,
      s: v,
      workshop,
      series: sessions.seriesOf(s).map((x) => ({ id: x.id, startsAt: x.startsAt, current: x.id === s.id })),
      state: v.access === 'participant' ? live.state(s, user) : undefined,
      questions: inside ? sortQuestions(ctx.repo.questions(s.id)).map((q) => questionView(q, false, user!.id)) : [],
      roomStep: s.roomStep ? workshop?.stepById.get(s.roomStep) : undefined,
    });
  });

  const renderJoin = (res: Response, code: string, error: string | undefined, status = 200) =>
    res.status(status).render('sessions/join', { title: 'Join a live session', code, error, session: undefined });

  r.get('/join', (_req, res) => renderJoin(res, '', undefined));

  r.get('/join/:code', ctx.joinLimit, (req, res) => {
    const code = normalizeCode(req.params.code);
    // Visitors sign in first and come back here; nothing is revealed about the code before that.
    if (!currentUser(req)) return res.redirect(`/login?next=${encodeURIComponent(`/join/${code ?? ''}`)}`);
    const s = code ? sessions.byCode(code) : undefined;
    if (!s) return renderJoin(res, String(req.params.code).slice(0, 32), 'No session has that code. Check it with your host.', 404);
    if (sessions.access(s, currentUser(req)) !== 'none') return res.redirect(`/sessions/${s.id}`);
    res.render('sessions/join', { title: 'Join a live session', code: s.code, error: undefined, session: { ...view(req, s), workshopTitle: workshopTitle(s.workshop) } });
  });

  r.post('/join', ctx.joinLimit, async (req, res) => {
    const parsed = JoinBody.safeParse(req.body);
    const code = parsed.success ? normalizeCode(parsed.data.code) : undefined;
    if (!code) return renderJoin(res, String(req.body?.code ?? '').slice(0, 32), 'A code has 8 letters and digits, like ABCD-EFGH.', 422);
    if (!currentUser(req)) return res.redirect(303, `/login?next=${encodeURIComponent(`/join/${code}`)}`);
    const s = sessions.byCode(code);
    if (!s) return renderJoin(res, code, 'No session has that code. Check it with your host.', 404);
    let participant;
    let notes: string[];
    try {
      ({ participant, notes } = await live.join(s, currentUser(req)!));
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderJoin(res, code, err.message, 409);
      throw err;
    }
    // A session under way: straight to the step the room is on (or where this participant is).
    if (phaseOf(s) === 'live') {
      const step = s.roomStep ?? participant.currentStep;
      flash(res, [`You joined “${s.title}”.${s.roomStep ? ' This is the step the room is on.' : ''}`, ...notes].join(' '));
      return res.redirect(303, `/workshops/${s.workshop}/steps/${step}#live-session`);
    }
    flash(res, [`You joined “${s.title}”.`, ...notes].join(' '));
    res.redirect(303, `/sessions/${s.id}`);
  });

  r.post('/sessions/:id/stuck', requireUser, ctx.limits.submit, async (req, res) => {
    const s = sessions.get(req.params.id);
    const parsed = StuckBody.safeParse(req.body);
    if (!parsed.success) return back(req, res, s, Object.values(fieldErrors(parsed.error))[0], true);
    await orMessage(req, res, s, () => live.stuck(s, currentUser(req)!, parsed.data.note ?? '', parsed.data.step), 'Your hosts can see that you are stuck; help is on the way.', true);
  });

  r.post('/sessions/:id/unstuck', requireUser, async (req, res) => {
    const s = sessions.get(req.params.id);
    await orMessage(req, res, s, () => live.unstuck(s, currentUser(req)!), undefined, true);
  });

  r.post('/sessions/:id/questions', requireUser, ctx.limits.submit, async (req, res) => {
    const s = sessions.get(req.params.id);
    const parsed = QuestionBody.safeParse(req.body);
    if (!parsed.success) return back(req, res, s, Object.values(fieldErrors(parsed.error))[0]);
    await orMessage(req, res, s, () => room.ask(s.id, currentUser(req)!, parsed.data.text), 'Your question is in the queue.');
  });

  r.post('/sessions/:id/questions/:qid/vote', requireUser, async (req, res) => {
    const s = sessions.get(req.params.id);
    const parsed = VoteForm.safeParse(req.body);
    if (!parsed.success) return back(req, res, s, 'That vote could not be read.');
    await orMessage(req, res, s, () => room.vote(s.id, currentUser(req)!, String(req.params.qid), parsed.data.on !== '0'));
  });

  return r;
}
