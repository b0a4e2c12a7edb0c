import { Router, type Request } from 'express';
import { currentUser, requireRole, requireUser, viaToken, webSessionId } from '../lib/web/roles.ts';
import { notFound } from '../lib/errors.ts';
import { parse } from '../lib/validate.ts';
import type { SessionsContext } from './sessions-context.ts';
import {
  AnnouncementBody, AnswerBody, CsrfOnly, JoinBody, PinBody, QuestionBody, RoomStepBody, SessionBody, StuckBody,
} from './sessions-schemas.ts';
import { sessionView } from './session-views.ts';
import type { StreamAuth } from './live-service.ts';

const me = (req: Request) => currentUser(req)!;

/** The id a reconnecting EventSource sends, or `?since=` from a page that rendered the state first. */
function lastEventIdOf(req: Request): number | undefined {
  const raw = req.get('last-event-id') ?? (typeof req.query.since === 'string' ? req.query.since : undefined);
  return raw && /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

function streamAuthOf(req: Request): StreamAuth {
  if (viaToken(req)) return { token: /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] };
  return { sid: webSessionId(req) };
}

/** JSON API under /api: bearer tokens, or the cookie session with an x-csrf-token header. */
export function sessionsApi(ctx: SessionsContext): Router {
  const r = Router();
  const { sessions, live, room, reports, broker, config } = ctx;
  const view = (req: Request, s: Parameters<typeof sessions.access>[0]) =>
    sessionView(s, sessions.access(s, currentUser(req)), config.baseUrl, sessions.names);

  r.post('/sessions', requireRole('host'), async (req, res) => {
    const body = parse(SessionBody, req.body);
    const created = await sessions.create(
      { ...body, startsAt: new Date(body.startsAt), occurrences: body.weeklyCount },
      me(req),
    );
    res.status(201).json({ ...view(req, created[0]!), occurrences: created.map((s) => view(req, s)) });
  });

  r.get('/sessions', (req, res) => {
    res.json({ sessions: sessions.upcoming().map((s) => view(req, s)) });
  });

  r.post('/sessions/join', requireUser, ctx.joinLimit, async (req, res) => {
    const { code } = parse(JoinBody, req.body, 400);
    const s = sessions.byCode(code);
    if (!s) throw notFound('No session has that code.');
    const { participant, created, notes } = await live.join(s, me(req));
    res.status(created ? 201 : 200).json({ session: view(req, s), participant, notes });
  });

  r.get('/sessions/stats', requireRole('admin'), (_req, res) => {
    res.json(broker.totals());
  });

  r.get('/sessions/:id', (req, res) => {
    res.json(view(req, sessions.get(req.params.id)));
  });

  r.get('/sessions/:id/state', requireUser, (req, res) => {
    res.json(live.state(sessions.get(req.params.id), me(req)));
  });

  // The service decides who may listen and what to replay; the broker holds the open response.
  for (const [path, kind] of [['events', 'staff'], ['my-events', 'participant']] as const) {
    r.get(`/sessions/:id/${path}`, requireUser, (req, res) => {
      const plan = live.planStream(sessions.get(req.params.id), me(req), kind, lastEventIdOf(req), streamAuthOf(req));
      if (plan.ended) return void res.status(204).end();
      broker.open(plan.subscriber, res, plan.replay, plan.lastSeq, plan.first);
    });
  }

  r.post('/sessions/:id/stuck', requireUser, ctx.limits.submit, async (req, res) => {
    const { note, step } = parse(StuckBody, req.body);
    const p = await live.stuck(sessions.get(req.params.id), me(req), note ?? '', step);
    res.json({ stuck: p.stuck });
  });

  r.post('/sessions/:id/stuck/:userId/claim', requireUser, async (req, res) => {
    parse(CsrfOnly, req.body, 400);
    const p = await live.claim(sessions.get(req.params.id), me(req), String(req.params.userId));
    res.json({ userId: p.userId, stuck: p.stuck });
  });

  r.delete('/sessions/:id/stuck', requireUser, async (req, res) => {
    await live.unstuck(sessions.get(req.params.id), me(req));
    res.status(204).end();
  });

  r.post('/sessions/:id/questions', requireUser, ctx.limits.submit, async (req, res) => {
    const { text } = parse(QuestionBody, req.body);
    const q = await room.ask(String(req.params.id), me(req), text);
    res.status(201).json({ id: q.id, text: q.text, at: q.at });
  });

  for (const [method, on] of [['post', true], ['delete', false]] as const) {
    r[method]('/sessions/:id/questions/:qid/votes', requireUser, async (req, res) => {
      parse(CsrfOnly, req.body, 400);
      const q = await room.vote(String(req.params.id), me(req), String(req.params.qid), on);
      res.json({ id: q.id, votes: q.votes.length, votedByMe: on });
    });
  }

  r.post('/sessions/:id/questions/:qid/answer', requireUser, async (req, res) => {
    const { answer } = parse(AnswerBody, req.body);
    const q = await room.answer(String(req.params.id), me(req), String(req.params.qid), answer);
    res.json({ id: q.id, answered: q.answered, answer: q.answer ?? null });
  });

  r.post('/sessions/:id/questions/:qid/pin', requireUser, async (req, res) => {
    const { pinned } = parse(PinBody, req.body);
    const q = await room.pin(String(req.params.id), me(req), String(req.params.qid), pinned);
    res.json({ id: q.id, pinned: q.pinned });
  });

  r.post('/sessions/:id/questions/:qid/faq-draft', requireUser, async (req, res) => {
    parse(CsrfOnly, req.body, 400);
    const draft = await reports.faqDraft(String(req.params.id), me(req), String(req.params.qid));
    res.status(draft.created ? 201 : 200).json(draft);
  });

  r.post('/sessions/:id/announcements', requireUser, async (req, res) => {
    const { text } = parse(AnnouncementBody, req.body);
    res.status(201).json(await room.announce(String(req.params.id), me(req), text));
  });

  r.put('/sessions/:id/room-step', requireUser, async (req, res) => {
    const { step } = parse(RoomStepBody, req.body);
    await room.setRoomStep(String(req.params.id), me(req), step);
    res.json({ roomStep: step });
  });

  r.post('/sessions/:id/start', requireUser, async (req, res) => {
    parse(CsrfOnly, req.body, 400);
    await room.start(String(req.params.id), me(req));
    res.json({ status: 'live' });
  });

  r.post('/sessions/:id/end', requireUser, async (req, res) => {
    parse(CsrfOnly, req.body, 400);
    await room.end(String(req.params.id), me(req));
    res.json({ status: 'ended' });
  });

  r.get('/sessions/:id/report', requireUser, (req, res) => {
    res.json(reports.report(sessions.get(req.params.id), me(req)));
  });

  return r;
}
