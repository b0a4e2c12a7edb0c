// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  for (const button of document.querySelectorAll('.copy-btn')) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      const code = button.closest('.code-block').querySelector('code');
      try {
        await navigator.clipboard.writeText(code.innerText);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select and copy';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    });
  }
  // A code block is a tab stop only when it scrolls: the keyboard needs it to reach the end of a long line.
  for (const pre of document.querySelectorAll('pre[tabindex="0"]')) {
    if (pre.scrollWidth <= pre.clientWidth && pre.scrollHeight <= pre.clientHeight) pre.removeAttribute('tabindex');
  }
});
