// The merge form's type-ahead: as a maintainer types, the list under the id field fills with entries
// whose id or title holds the text. Without this file the list holds the likely duplicates.
document.addEventListener('DOMContentLoaded', () => {
  const input = document.querySelector('[data-entry-lookup]');
  const list = document.getElementById('merge-targets');
  if (!input || !list || !window.fetch) return;
  const initial = [...list.children].map((o) => o.cloneNode(true));
  let timer;
  let seq = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (q.length < 2) return list.replaceChildren(...initial.map((o) => o.cloneNode(true)));
      try {
        const res = await fetch(`/api/review/entries?q=${encodeURIComponent(q)}&except=${encodeURIComponent(input.dataset.entryLookup)}`, { credentials: 'same-origin' });
        if (!res.ok || mine !== seq) return;
        const { entries } = await res.json();
        list.replaceChildren(...entries.map((e) => {
          const o = document.createElement('option');
          o.value = e.id;
          o.textContent = e.title;
          return o;
        }));
      } catch {
        // The field still takes an id typed in full.
      }
    }, 200);
  });
});
