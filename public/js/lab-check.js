// "Check my lab" can take some seconds (a connection, a login, a command): say so, and keep the
// button from being pressed twice. The form works without this file.
document.addEventListener('DOMContentLoaded', () => {
  const form = document.querySelector('form.lab-check');
  const button = form?.querySelector('button[type=submit]');
  if (!form || !button) return;
  form.addEventListener('submit', () => {
    // After the submit has started, so the click still sends the form.
    setTimeout(() => {
      button.disabled = true;
      button.textContent = 'Checking your lab…';
    }, 0);
  });
});
