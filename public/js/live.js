// The host dashboard, live: loads the state once, then follows the session's event stream.
// The page works without this file (reload to refresh). Text is only inserted with textContent.
(() => {
  const root = document.querySelector('[data-live-host]');
  if (!root || !window.EventSource || !window.fetch) return;
  const id = root.dataset.session;
  const csrf = root.dataset.csrf;
  const me = root.dataset.me;
  const api = `/api/sessions/${encodeURIComponent(id)}`;
  const people = new Map();
  const questions = new Map();
  let steps = [];
  let session = null;
  let es = null;
  let queued = false;

  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const $ = (sel) => root.querySelector(sel);
  const status = (text) => { const s = $('[data-connection]'); if (s) s.textContent = text; };
  const stepTitle = (sid) => steps.find((s) => s.id === sid)?.title ?? sid;
  const minutesSince = (iso) => `${Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60000))} min`;

  function form(action, fields, button, extra) {
    const f = el('form', undefined, extra && extra.inline ? 'inline' : undefined);
    f.method = 'post';
    f.action = action;
    for (const [name, value] of Object.entries({ _csrf: csrf, ...fields })) {
      const input = el('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      f.append(input);
    }
    if (extra && extra.textarea) f.append(extra.textarea);
    const b = el('button', button, extra && extra.secondary ? 'small secondary' : 'small');
    b.type = 'submit';
    f.append(b);
    return f;
  }

  /** A stuck note: it scrolls when long, so a keyboard can reach it too. */
  function note(p) {
    const pre = el('pre', p.stuck.note, 'stuck-note');
    pre.tabIndex = 0;
    pre.setAttribute('role', 'group');
    pre.setAttribute('aria-label', `Note from ${p.username}`);
    return pre;
  }

  /** FAQ entries that match a pasted error, as links separated by commas. */
  function faqLinks(matches) {
    return matches.flatMap((m, i) => {
      const a = el('a', m.title);
      a.href = `/faq/${encodeURIComponent(m.id)}`;
      return i ? [', ', a] : [a];
    });
  }

  /** The latest checkpoint, from the step page or a terminal (as views/sessions/checkpoint-note.ejs). */
  function checkpointNote(c) {
    const box = el('div', undefined, 'checkpoint-note');
    box.dataset.checkpointStep = c.step;
    box.append(el('span', `checkpoint ${c.passed ? 'passed' : 'not yet'}`, `badge ${c.passed ? 'passed' : 'stuck'}`), ' ', el('span', stepTitle(c.step), 'muted'));
    if (!c.passed) box.append(el('p', c.hint || 'The output matched no known problem.', 'checkpoint-hint'));
    return box;
  }

  function renderParticipants() {
    const list = [...people.values()].sort((a, b) => a.username.localeCompare(b.username));
    const rows = list.map((p) => {
      const tr = el('tr', undefined, p.stuck ? 'is-stuck' : undefined);
      tr.dataset.user = p.userId;
      const time = el('time', minutesSince(p.stepEnteredAt));
      time.dataset.sinceTime = p.stepEnteredAt;
      const stuck = el('td');
      if (p.stuck) {
        stuck.append(el('span', 'stuck', 'badge stuck'));
        if (p.stuck.note) stuck.append(note(p));
        stuck.append(...faqLinks(p.stuck.matches));
      }
      const onStep = el('td');
      onStep.append(time);
      const current = el('td', stepTitle(p.currentStep));
      if (p.checkpoint) current.append(checkpointNote(p.checkpoint));
      tr.append(el('td', p.username), current, el('td', `${p.stepsDone.length} / ${steps.length}`), onStep, stuck);
      return tr;
    });
    $('[data-participants]').replaceChildren(...rows);
    if (list.length) $('[data-no-participants]')?.remove();
  }

  function renderRoom() {
    const counts = steps.map((s) => ({ ...s, here: 0, done: 0, stuck: 0 }));
    const byId = new Map(counts.map((c) => [c.id, c]));
    let stuck = 0;
    for (const p of people.values()) {
      if (byId.has(p.currentStep)) byId.get(p.currentStep).here += 1;
      for (const d of p.stepsDone) if (byId.has(d)) byId.get(d).done += 1;
      if (p.stuck) { stuck += 1; if (byId.has(p.stuck.step)) byId.get(p.stuck.step).stuck += 1; }
    }
    $('[data-step-table]').replaceChildren(...counts.map((c, i) => {
      const tr = el('tr', undefined, session && session.roomStep === c.id ? 'room-step-row' : undefined);
      tr.append(el('td', `${i + 1}. ${c.title}`), el('td', String(c.here)), el('td', String(c.done)), el('td', String(c.stuck)));
      return tr;
    }));
    $('[data-participant-count]').textContent = `(${people.size} participants, ${stuck} stuck)`;
    const groups = steps.map((s) => ({ s, who: [...people.values()].filter((p) => p.stuck && p.stuck.step === s.id) })).filter((g) => g.who.length);
    const box = $('[data-stuck-groups]');
    if (!groups.length) return box.replaceChildren(el('p', 'Nobody is stuck.', 'muted'));
    box.replaceChildren(...groups.map(({ s, who }) => {
      const div = el('div', undefined, 'stuck-group');
      const ul = el('ul', undefined, 'plain');
      // Longest stuck first; each card says for how long, and who is on it.
      for (const p of who.sort((a, b) => a.stuck.at.localeCompare(b.stuck.at))) {
        const li = el('li', undefined, 'stuck-card');
        li.dataset.stuckUser = p.userId;
        const since = el('time', minutesSince(p.stuck.at));
        since.dataset.sinceTime = p.stuck.at;
        since.dateTime = p.stuck.at;
        const how = el('span', 'stuck for ', 'muted');
        how.append(since);
        li.append(el('span', p.username, 'badge stuck'), ' ', how);
        if (p.stuck.note) li.append(note(p));
        if (p.stuck.matches.length) li.append(el('span', 'Matching FAQ: ', 'muted'), ...faqLinks(p.stuck.matches));
        const claimed = p.stuck.claimedBy;
        if (claimed) {
          const c = el('p', undefined, 'claimed');
          c.append(el('strong', claimed.name), ' is on it.');
          li.append(c);
        }
        if (session && session.status !== 'ended' && (!claimed || claimed.userId !== me)) {
          const f = form(`/sessions/${id}/host/stuck/${encodeURIComponent(p.userId)}/claim`, {}, "I'm on it", { inline: true });
          f.querySelector('button').setAttribute('aria-label', `I'm on it: help ${p.username}`);
          li.append(f);
        }
        ul.append(li);
      }
      div.append(el('h3', s.title, 'h3'), ul);
      return div;
    }));
  }

  function renderQuestions() {
    // Keep what the host is typing in an answer box across a re-render.
    const typing = new Map();
    for (const ta of root.querySelectorAll('[data-host-questions] textarea')) if (ta.value) typing.set(ta.dataset.for, ta.value);
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.for : undefined;
    const list = [...questions.values()].sort((a, b) =>
      (b.pinned - a.pinned) || (a.answered - b.answered) || (b.votes - a.votes) || a.at.localeCompare(b.at));
    const open = session && session.status !== 'ended';
    $('[data-host-questions]').replaceChildren(...list.map((q) => {
      const li = el('li', undefined, `question${q.answered ? ' answered' : ''}${q.pinned ? ' pinned' : ''}`);
      li.dataset.questionId = q.id;
      li.append(el('p', q.text, 'question-text'));
      li.append(el('p', `${q.votes} vote(s) · asked by ${q.byName ?? 'a participant'}${q.pinned ? ' · pinned' : ''}${q.answered ? ' · answered' : ''}`, 'muted'));
      if (q.answer) { const p = el('p', undefined, 'answer'); p.append(el('strong', 'Answer:'), ' ', q.answer); li.append(p); }
      if (open) {
        const ta = el('textarea');
        ta.name = 'answer'; ta.rows = 1; ta.maxLength = 4000; ta.placeholder = 'Answer (optional)';
        ta.setAttribute('aria-label', 'Answer');
        ta.dataset.for = q.id;
        ta.value = typing.get(q.id) || '';
        li.append(form(`/sessions/${id}/host/questions/${q.id}/answer`, {}, q.answered ? 'Update answer' : 'Mark answered', { textarea: ta }));
        li.append(form(`/sessions/${id}/host/questions/${q.id}/pin`, { pinned: q.pinned ? '0' : '1' }, q.pinned ? 'Unpin' : 'Pin', { inline: true, secondary: true }));
      }
      return li;
    }));
    if (list.length) $('[data-no-questions]')?.remove();
    if (focused) root.querySelector(`[data-host-questions] textarea[data-for="${CSS.escape(focused)}"]`)?.focus();
  }

  const dirty = { people: false, questions: false };
  function render(part) {
    if (part) dirty[part] = true;
    else dirty.people = dirty.questions = true;
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (dirty.people) { renderParticipants(); renderRoom(); }
      if (dirty.questions) renderQuestions();
      dirty.people = dirty.questions = false;
    });
  }

  function addAnnouncement(a) {
    const li = el('li');
    li.append(el('span', a.text, 'announcement-text'));
    $('[data-announcements]').prepend(li);
  }

  async function load() {
    const res = await fetch(`${api}/state`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) { status('Live updates are off; reload the page to refresh.'); return undefined; }
    const state = await res.json();
    session = state.session;
    steps = state.steps;
    people.clear();
    for (const p of state.participants) people.set(p.userId, p);
    questions.clear();
    for (const q of state.questions) questions.set(q.id, q);
    $('[data-announcements]').replaceChildren();
    for (const a of [...state.announcements].reverse()) addAnnouncement(a);
    render();
    return state.lastEventId;
  }

  function connect(since) {
    es = new EventSource(`${api}/events?since=${since}`);
    es.onopen = () => status('Live: updates appear as they happen.');
    es.onerror = () => status(es.readyState === EventSource.CLOSED ? 'Live updates stopped; reload the page.' : 'Reconnecting…');
    const on = (type, fn) => es.addEventListener(type, (e) => fn(JSON.parse(e.data)));
    on('participant', (p) => { people.set(p.userId, p); render('people'); });
    on('question', (q) => { questions.set(q.id, { ...questions.get(q.id), ...q }); render('questions'); });
    on('announcement', addAnnouncement);
    on('room-step', (s) => { if (session) session.roomStep = s.step; const sel = root.querySelector('#room-step'); if (sel) sel.value = s.step; render('people'); });
    on('status', (s) => {
      if (session) session.status = s.status;
      const badge = $('[data-status]');
      if (badge) badge.textContent = s.status;
      if (s.status === 'ended') {
        es.close();
        status('The session has ended. The report is ready.');
        // Nothing is left to do in an ended room: its controls go, so none of them is clicked in vain.
        root.querySelector('.host-controls')?.remove();
      }
      render();
    });
    // Too much was missed to replay: start again from a fresh state.
    on('reset', () => { es.close(); load().then((last) => last !== undefined && connect(last)); });
  }

  setInterval(() => {
    for (const t of root.querySelectorAll('time[data-since-time]')) t.textContent = minutesSince(t.dataset.sinceTime);
  }, 15000);

  load().then((last) => { if (last !== undefined) connect(last); }, () => status('Live updates are off; reload the page to refresh.'));
})();
