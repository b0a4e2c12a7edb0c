// The offline copy of a workshop: this file is inlined into it and runs from disk, with no network.
// It keeps the outputs a learner pastes at checkpoints in this browser (localStorage), exports them as
// a file to check online later, and makes the copy buttons work. The steps read without it.
(() => {
  const body = document.body;
  const slug = body.dataset.workshop;
  const max = Number(body.dataset.answerMax) || 4096;
  const key = `onramp-offline-answers:${slug}`;
  const note = (el, text) => { if (el) el.textContent = text; };

  let saved = {};
  let storage = true;
  try {
    saved = JSON.parse(localStorage.getItem(key) || '{}') || {};
  } catch {
    storage = false;
  }
  const keep = () => {
    try {
      localStorage.setItem(key, JSON.stringify(saved));
      return true;
    } catch {
      return false;
    }
  };
  const count = () => {
    const n = Object.keys(saved).length;
    note(document.getElementById('answers-count'), n ? `${n} answer${n === 1 ? '' : 's'} kept in this browser.` : 'No answers kept yet.');
  };
  const time = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

  for (const box of document.querySelectorAll('.offline-answer')) {
    const step = box.dataset.step;
    const area = box.querySelector('textarea');
    const status = box.querySelector('.answer-status');
    if (!storage) {
      note(status, 'This browser does not let the copy keep answers (local storage is off); copy them somewhere safe.');
      continue;
    }
    if (saved[step]) {
      area.value = saved[step].output;
      note(status, `Kept in this browser since ${time(saved[step].savedAt)}.`);
    }
    let timer;
    area.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const value = area.value;
        if (value.trim() === '') delete saved[step];
        // What a checkpoint looks for is at the end of an output: a long paste keeps its last part.
        else saved[step] = { output: value.length > max ? value.slice(-max) : value, savedAt: new Date().toISOString() };
        const ok = keep();
        note(status, !ok ? 'Could not keep this answer: the browser refused to store it.' : !saved[step] ? 'Answer removed.' :
          `Kept in this browser at ${time(saved[step].savedAt)}${value.length > max ? `; only its last ${Math.round(max / 1024)} KB are kept` : ''}.`);
        count();
      }, 300);
    });
  }
  count();

  const exportButton = document.getElementById('export-answers');
  if (exportButton) {
    exportButton.hidden = false;
    exportButton.addEventListener('click', () => {
      const file = {
        format: 'onramp-offline-answers',
        version: 1,
        workshop: slug,
        release: body.dataset.release,
        site: body.dataset.site,
        exportedAt: new Date().toISOString(),
        answers: Object.entries(saved).map(([step, a]) => ({ step, output: a.output, savedAt: a.savedAt })),
      };
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));
      link.download = `${slug}-answers.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    });
  }

  // Copy buttons, as on the site; where the clipboard API is missing, the older copy command.
  for (const button of document.querySelectorAll('.copy-btn')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const code = button.parentElement.querySelector('code');
      let done = false;
      try {
        await navigator.clipboard.writeText(code.innerText);
        done = true;
      } catch {
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        done = document.execCommand('copy');
        selection.removeAllRanges();
      }
      button.textContent = done ? 'Copied' : 'Select and copy';
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    });
  }
})();
