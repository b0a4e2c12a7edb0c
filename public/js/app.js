// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('.copy-btn')) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      const code = button.parentElement.querySelector('code');
      try {
        await navigator.clipboard.writeText(code.innerText);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select and copy';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    });
  }
  // A code block is a tab stop only while it scrolls (the keyboard needs it to reach the end of a long
  // line); a turned phone or a resized window changes which ones do.
  const blocks = [...document.querySelectorAll('pre[role="group"]')];
  const focusable = () => {
    for (const pre of blocks) {
      if (pre.scrollWidth > pre.clientWidth || pre.scrollHeight > pre.clientHeight) pre.setAttribute('tabindex', '0');
      else pre.removeAttribute('tabindex');
    }
  };
  focusable();
  if (blocks.length && window.ResizeObserver) new ResizeObserver(focusable).observe(document.documentElement);
});
