// Shows session times in the viewer's own time zone; without JavaScript they read in UTC.
document.addEventListener('DOMContentLoaded', () => {
  const format = new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  for (const el of document.querySelectorAll('time[data-local-time]')) {
    const date = new Date(el.getAttribute('datetime'));
    if (Number.isNaN(date.getTime())) continue;
    el.title = el.textContent;
    el.textContent = format.format(date);
  }
  // The scheduling form starts in UTC; a host with JavaScript gets their own zone instead.
  const zone = document.querySelector('[data-fill-time-zone]');
  const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && zone.value === 'UTC' && own) zone.value = own;
});
