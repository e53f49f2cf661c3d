// The top-level error boundary: an uncaught error or rejected promise never
// leaves a blank or silently broken screen.

import { h, icon, mount } from './dom.js';

function messageOf(reason) {
  if (!reason) return 'An unexpected error occurred.';
  if (typeof reason === 'string') return reason;
  return reason.message || String(reason);
}

export function showFatal(reason) {
  const message = messageOf(reason);
  const app = document.getElementById('app');
  const reload = h('button', { type: 'button', class: 'btn btn-primary', onClick: () => location.reload() }, icon('refresh'), 'Reload the page');
  // If the app has nothing useful on screen, take over the page; otherwise a banner.
  const blank = !app || !app.querySelector('main, .auth-card, .state');
  if (blank && app) {
    mount(
      app,
      h(
        'div',
        { class: 'fatal-page' },
        h(
          'div',
          { class: 'state state-error', role: 'alert' },
          h('div', { class: 'state-icon state-icon-error' }, icon('alert')),
          h('h1', { class: 'state-title' }, 'The portal hit a problem'),
          h('p', { class: 'state-text', 'data-testid': 'error-message' }, message),
          reload,
        ),
      ),
    );
    return;
  }
  const banner = document.getElementById('fatal');
  if (!banner) return;
  mount(
    banner,
    h('div', { class: 'fatal-banner', role: 'alert' }, icon('alert'), h('span', { class: 'fatal-text' }, h('strong', null, 'Something went wrong. '), h('span', { 'data-testid': 'error-message' }, message)), reload, h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-label': 'Dismiss', onClick: () => (banner.hidden = true) }, icon('close'))),
  );
  banner.hidden = false;
}

export function installErrorBoundary() {
  window.addEventListener('error', (event) => {
    // Resource load errors don't bubble to window; this is a script error.
    console.error(event.error || event.message);
    showFatal(event.error || event.message);
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (event.reason && event.reason.name === 'AbortError') {
      event.preventDefault();
      return;
    }
    console.error(event.reason);
    showFatal(event.reason);
  });
}
