// The search box behaves like one: Enter searches, Shift+Enter starts a new line, a pasted log grows the
// box and stops wrapping, and a short query goes to its own address (/faq?q=...) so Back works.
// Without this file the form posts, and the server redirects to the same address.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('faq-search');
  if (!form) return;
  const box = form.querySelector('textarea[name="q"]');
  const asLog = () => {
    const log = box.value.includes('\n');
    box.classList.toggle('log', log);
    box.wrap = log ? 'off' : 'soft';
    if (log && box.rows < 8) box.rows = 8;
  };
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  box.addEventListener('paste', () => setTimeout(asLog, 0));
  box.addEventListener('input', asLog);
  form.addEventListener('submit', (e) => {
    const q = box.value.trim();
    if (!q || q.length > 1500) return; // long pastes are posted, then redirected to a short address
    e.preventDefault();
    const params = new URLSearchParams({ q });
    for (const name of ['deployment', 'phase', 'release', 'workshop', 'step']) {
      const field = form.elements.namedItem(name);
      if (field && field.value) params.set(name, field.value);
    }
    window.location.assign(`/faq?${params}`);
  });
});
