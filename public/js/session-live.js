// Live updates for participants: the session bar on step pages and the session page.
// Text from the server is only ever inserted with textContent.
(() => {
  const root = document.querySelector('[data-live-bar], [data-live-session]');
  if (!root || !window.EventSource) return;
  const id = root.dataset.session;
  const isBar = root.hasAttribute('data-live-bar');
  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  const es = new EventSource(`/api/sessions/${encodeURIComponent(id)}/my-events?since=${encodeURIComponent(root.dataset.since || '0')}`);

  es.addEventListener('announcement', (e) => {
    const a = JSON.parse(e.data);
    const list = root.querySelector('[data-announcements]');
    if (!list) return;
    const li = el('li');
    li.append(el('span', a.text, 'announcement-text'));
    list.prepend(li);
    if (isBar) while (list.children.length > 3) list.lastElementChild.remove();
    root.querySelector('[data-no-announcements]')?.remove();
  });

  es.addEventListener('room-step', (e) => {
    const s = JSON.parse(e.data);
    const p = root.querySelector('[data-room-step]');
    if (!p || !root.dataset.workshop) return;
    const a = el('a', s.title);
    a.href = `/workshops/${encodeURIComponent(root.dataset.workshop)}/steps/${encodeURIComponent(s.step)}`;
    p.replaceChildren('The room is on ', a, '.');
  });

  es.addEventListener('room', (e) => {
    const r = JSON.parse(e.data);
    const p = root.querySelector('[data-room-summary]');
    if (!p) return;
    const here = r.steps.find((s) => s.id === root.dataset.step);
    p.textContent = `${r.participants} in the room${here ? `, ${here.here} on this step, ${here.done} done with it` : ''}${r.stuck ? `, ${r.stuck} stuck` : ''}.`;
  });

  es.addEventListener('question', (e) => {
    const q = JSON.parse(e.data);
    const list = root.querySelector('[data-question-list]');
    if (!list) return;
    let li = list.querySelector(`[data-question-id="${CSS.escape(q.id)}"]`);
    if (!li) {
      li = el('li', undefined, 'question');
      li.dataset.questionId = q.id;
      li.append(el('p', q.text, 'question-text'));
      const meta = el('p', undefined, 'muted question-meta');
      meta.append(el('span', '0'), ' vote(s)');
      meta.firstChild.dataset.votes = '';
      li.append(meta);
      list.append(li);
      root.querySelector('[data-no-questions]')?.remove();
    }
    li.querySelector('[data-votes]').textContent = String(q.votes);
    li.classList.toggle('answered', q.answered);
    li.classList.toggle('pinned', q.pinned);
    if (q.answer) {
      let ans = li.querySelector('.answer');
      if (!ans) {
        ans = el('p', undefined, 'answer');
        li.querySelector('.question-meta').after(ans);
      }
      ans.replaceChildren(el('strong', 'Answer:'), ' ', el('span', q.answer));
    }
  });

  es.addEventListener('status', (e) => {
    const { status } = JSON.parse(e.data);
    if (status !== 'ended') return;
    es.close();
    // What only works in a live room goes: raising a hand, asking, voting, "done with this step" in the bar.
    for (const c of document.querySelectorAll('[data-live-control], .questions form, [data-live-session] form, .raise-hand')) c.remove();
    const stuck = document.getElementById('stuck-title');
    if (stuck) stuck.textContent = "I'm stuck";
    root.prepend(el('p', 'The host has ended this session. Thank you for joining!', 'notice'));
  });
})();
