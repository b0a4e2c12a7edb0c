// Progressive enhancement of the FAQ form: a live preview and similar entries while typing.
// The form works without this file (the Preview button renders the same preview on the server).
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('faq-form');
  if (!form) return;
  const csrf = form.querySelector('input[name="_csrf"]').value;
  const field = (name) => form.elements.namedItem(name);
  const causeOut = document.getElementById('preview-cause');
  const fixOut = document.getElementById('preview-fix');
  const hint = document.getElementById('preview-hint');
  const similarList = document.getElementById('similar-list');
  const similarEmpty = document.getElementById('similar-empty');

  const debounce = (fn, ms) => {
    let timer;
    return () => {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  };

  let previewSeq = 0;
  const preview = debounce(async () => {
    const seq = ++previewSeq;
    try {
      const res = await fetch('/api/faq/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        credentials: 'same-origin',
        body: JSON.stringify({ cause: field('cause').value, fix: field('fix').value }),
      });
      if (!res.ok || seq !== previewSeq) return;
      const body = await res.json();
      // Sanitized on the server by the same code that renders saved entries.
      causeOut.innerHTML = body.causeHtml;
      fixOut.innerHTML = body.fixHtml;
      if (hint) hint.hidden = true;
    } catch {
      // Offline or signed out: the Preview button still works.
    }
  }, 400);

  let similarSeq = 0;
  const similar = debounce(async () => {
    const title = field('title').value.trim();
    const errorText = field('errorText').value.trim();
    const seq = ++similarSeq;
    if (title.length < 4 && !errorText) return;
    try {
      const params = new URLSearchParams({ title: title.slice(0, 200), errorText: errorText.slice(0, 2000) });
      const res = await fetch(`/api/faq/similar?${params}`, { credentials: 'same-origin' });
      if (!res.ok || seq !== similarSeq) return;
      const body = await res.json();
      similarList.replaceChildren(
        ...body.results.map((r) => {
          const li = document.createElement('li');
          const a = document.createElement('a');
          a.href = `/faq/${encodeURIComponent(r.id)}`;
          a.textContent = r.title;
          li.append(a);
          return li;
        }),
      );
      similarEmpty.hidden = body.results.length > 0;
    } catch {
      // Nothing to suggest.
    }
  }, 500);

  for (const name of ['cause', 'fix']) field(name).addEventListener('input', preview);
  for (const name of ['title', 'errorText']) field(name).addEventListener('input', similar);
});
