// A checkpoint sent from a terminal shows on the open step page as it arrives. Without this file the
// page shows it on reload. The stream is open only while the tab is visible (a browser allows few
// connections per site, and a hidden tab needs none); on coming back, its first event says which
// attempt is the latest, so nothing is missed.
(() => {
  const box = document.querySelector('[data-terminal-checkpoint][data-live]');
  if (!box || !window.EventSource || !window.fetch || !window.DOMParser) return;
  const workshop = box.dataset.workshop;
  const step = box.dataset.step;
  let shown = Number(box.dataset.attempt || 0);
  let es = null;
  let loading = false;

  // A live region that exists before anything changes, so screen readers announce the verdict.
  const announcer = document.createElement('p');
  announcer.className = 'sr-only';
  announcer.setAttribute('role', 'status');
  document.body.append(announcer);

  /** The parts of the step page a verdict changes: the checkpoint, the done button, the progress. */
  const PARTS = ['#checkpoint', '.step-actions', '.progress-wrap', '.step-nav'];

  async function show(n) {
    if (loading || n <= shown) return;
    loading = true;
    try {
      const url = `${location.pathname}?attempt=${encodeURIComponent(n)}`;
      const res = await fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      if (!doc.querySelector('#checkpoint-result') || !document.querySelector('#checkpoint')) {
        location.assign(`${url}#checkpoint-result`);
        return;
      }
      for (const selector of PARTS) {
        const now = document.querySelector(selector);
        const next = doc.querySelector(selector);
        if (!now || !next) continue;
        for (const script of next.querySelectorAll('script')) script.remove(); // this one runs already
        now.replaceWith(document.importNode(next, true));
      }
      shown = n;
      history.replaceState(null, '', `${url}#checkpoint-result`);
      const result = document.querySelector('#checkpoint-result');
      announcer.textContent = `Your terminal sent the output. ${result ? result.textContent.trim().split('\n')[0] : ''}`;
    } finally {
      loading = false;
    }
  }

  function connect() {
    if (es) return;
    es = new EventSource(`/api/me/events?workshop=${encodeURIComponent(workshop)}&step=${encodeURIComponent(step)}`);
    const on = (type) => es.addEventListener(type, (e) => {
      const data = JSON.parse(e.data);
      if (data.step === step && typeof data.attempt === 'number') show(data.attempt);
    });
    on('latest');
    on('checkpoint');
    es.onerror = () => {
      if (es && es.readyState === EventSource.CLOSED) es = null;
    };
  }

  function disconnect() {
    if (es) es.close();
    es = null;
  }

  document.addEventListener('visibilitychange', () => (document.hidden ? disconnect() : connect()));
  window.addEventListener('pagehide', disconnect);
  if (!document.hidden) connect();
})();
