// The printable workshop prints with the browser's own command; this only adds a button for it.
document.addEventListener('DOMContentLoaded', () => {
  const button = document.getElementById('print-button');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', () => window.print());
});
