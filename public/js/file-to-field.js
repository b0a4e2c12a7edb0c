// Progressive enhancement: a file chooser that reads a text file into a form field, so the form can
// stay an ordinary one (forms are url-encoded; pasting works without this file).
document.addEventListener('DOMContentLoaded', () => {
  for (const input of document.querySelectorAll('input[type=file][data-fills]')) {
    const target = document.getElementById(input.dataset.fills);
    const nameInto = input.dataset.nameInto && document.getElementById(input.dataset.nameInto);
    if (!target || !window.FileReader) continue;
    input.closest('[hidden]')?.removeAttribute('hidden');
    input.addEventListener('change', async () => {
      const file = input.files[0];
      if (!file) return;
      target.value = await file.text();
      if (nameInto && !nameInto.value) nameInto.value = file.name;
      target.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
});
