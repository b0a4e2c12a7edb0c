// The labs panel of the host dashboard, kept fresh: labs change as people join, give them back, get
// swapped or checked. It asks the server for the panel again every 10 seconds while the tab is
// visible (the page works without this file: reload to refresh). The HTML comes from our own
// server-rendered partial, where every value is escaped.
(() => {
  const panel = () => document.querySelector('[data-labs-panel]');
  const first = panel();
  if (!first || !window.fetch || !window.DOMParser) return;
  const url = `/sessions/${encodeURIComponent(first.dataset.session)}/labs/panel`;
  let busy = false;

  async function refresh() {
    if (busy || document.visibilityState !== 'visible') return;
    busy = true;
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!res.ok) return;
      const next = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('[data-labs-panel]');
      const current = panel();
      if (next && current && next.innerHTML !== current.innerHTML) current.replaceWith(document.importNode(next, true));
    } finally {
      busy = false;
    }
  }

  setInterval(() => refresh().catch(() => {}), 10000);
  document.addEventListener('visibilitychange', () => refresh().catch(() => {}));
})();
