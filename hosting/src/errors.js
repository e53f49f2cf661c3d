// The top-level error boundary: an uncaught error or rejected promise never
// leaves a blank or silently broken screen, and is reported to error tracking when the
// portal has a browser DSN (`track`: the reporter is a chunk of its own, ./error-report.js,
// loaded on the first error and only when `/api/auth/config` names a DSN).

import { render } from 'preact';
import { html } from './html.js';
import { Icon } from './icons.js';

function messageOf(reason) {
  if (!reason) return 'An unexpected error occurred.';
  if (typeof reason === 'string') return reason;
  return reason.message || String(reason);
}

const reload = () => location.reload();

export function showFatal(reason) {
  const message = messageOf(reason);
  const app = document.getElementById('app');
  // If the app has nothing useful on screen, take over the page; otherwise a banner.
  const blank = !app || !app.querySelector('main, .auth-card, .state');
  if (blank && app) {
    render(
      html`
        <div class="fatal-page">
          <div class="state state-error" role="alert">
            <div class="state-icon state-icon-error"><${Icon} name="alert" /></div>
            <h1 class="state-title">The portal hit a problem</h1>
            <p class="state-text" data-testid="error-message">${message}</p>
            <button type="button" class="btn btn-primary" onClick=${reload}><${Icon} name="refresh" />Reload the page</button>
          </div>
        </div>
      `,
      app,
    );
    return;
  }
  const banner = document.getElementById('fatal');
  if (!banner) return;
  render(
    html`
      <div class="fatal-banner" role="alert">
        <${Icon} name="alert" />
        <span class="fatal-text"><strong>Something went wrong. </strong><span data-testid="error-message">${message}</span></span>
        <button type="button" class="btn btn-primary" onClick=${reload}><${Icon} name="refresh" />Reload the page</button>
        <button type="button" class="btn btn-ghost btn-sm" aria-label="Dismiss" onClick=${() => (banner.hidden = true)}><${Icon} name="close" /></button>
      </div>
    `,
    banner,
  );
  banner.hidden = false;
}

let reporter = null; // the first error's promise of a reporting function, or of null

/** Report an uncaught error (an Error; its type and stack, never its message). */
function track(error, mechanism) {
  if (!(error instanceof Error)) return;
  reporter =
    reporter ||
    fetch('/api/auth/config')
      .then((r) => (r.ok ? r.json() : {}))
      .then((c) => (c.errorTracking ? import('./error-report.js').then((m) => m.reporter(c.errorTracking)) : null))
      .catch(() => null);
  reporter.then((report) => report && report(error, mechanism)).catch(() => {});
}

export function installErrorBoundary() {
  window.addEventListener('error', (event) => {
    // Resource load errors don't bubble to window; this is a script error.
    console.error(event.error || event.message);
    showFatal(event.error || event.message);
    track(event.error, 'onerror');
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (event.reason && event.reason.name === 'AbortError') {
      event.preventDefault();
      return;
    }
    console.error(event.reason);
    showFatal(event.reason);
    track(event.reason, 'onunhandledrejection');
  });
}
