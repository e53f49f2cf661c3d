// Shared view pieces: page headers, loading skeletons, error and empty states,
// badges, progress bars, dates.

import { h, icon } from './dom.js';

export function pageHeader(title, subtitle, ...actions) {
  return h(
    'header',
    { class: 'page-header' },
    h('div', { class: 'page-heading' }, h('h1', { 'data-testid': 'page-title', tabindex: '-1' }, title), subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null,
  );
}

export function spinner(label = 'Loading…') {
  return h('div', { class: 'loading-inline', role: 'status', 'data-testid': 'loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', null, label));
}

/** Skeleton placeholders: 'cards' (a grid) or 'rows' (a list). */
export function skeleton(kind = 'cards', count = 3, label = 'Loading…') {
  const items = Array.from({ length: count }, () =>
    kind === 'cards'
      ? h('div', { class: 'card skeleton-card' }, h('div', { class: 'sk sk-title' }), h('div', { class: 'sk sk-line' }), h('div', { class: 'sk sk-bar' }))
      : h('div', { class: 'skeleton-row' }, h('div', { class: 'sk sk-avatar' }), h('div', { class: 'sk sk-line' })),
  );
  return h('div', { class: `skeleton skeleton-${kind}`, role: 'status', 'aria-busy': 'true', 'data-testid': 'loading' }, h('span', { class: 'visually-hidden' }, label), items);
}

/** An error panel with the server's message and a retry button. */
export function errorState(err, onRetry, title = 'Something went wrong') {
  const message = (err && err.message) || 'An unexpected error occurred.';
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('div', { class: 'state-icon state-icon-error' }, icon('alert')),
    h('h2', { class: 'state-title' }, title),
    h('p', { class: 'state-text', 'data-testid': 'error-message' }, message),
    onRetry ? h('button', { type: 'button', class: 'btn btn-secondary', onClick: onRetry }, icon('refresh'), 'Try again') : null,
  );
}

export function emptyState(title, text, iconName = 'inbox', ...extra) {
  return h(
    'div',
    { class: 'state state-empty' },
    h('div', { class: 'state-icon' }, icon(iconName)),
    h('h2', { class: 'state-title' }, title),
    text ? h('p', { class: 'state-text' }, text) : null,
    extra,
  );
}

export function inlineError(message, testid = 'error-message') {
  return h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': testid }, icon('alert'), h('span', null, message));
}

const STATUS_TONES = {
  planning: 'neutral',
  active: 'accent',
  review: 'warning',
  completed: 'success',
  paused: 'muted',
  pending: 'warning',
  accepted: 'success',
  revoked: 'muted',
  expired: 'muted',
  disabled: 'danger',
};

export function titleCase(s) {
  return String(s || '')
    .replace(/_/g, ' ')
    .replace(/^\w/, (c) => c.toUpperCase());
}

export function badge(status, label) {
  const tone = STATUS_TONES[status] || 'neutral';
  return h('span', { class: `badge badge-${tone}` }, label || titleCase(status));
}

export function progressBar(value, label) {
  const pct = Math.max(0, Math.min(100, Math.round(Number(value) || 0)));
  const fill = h('div', { class: `progress-fill${pct >= 100 ? ' is-complete' : ''}` });
  fill.style.width = `${pct}%`; // CSSOM: allowed by the CSP, unlike a style attribute
  return h(
    'div',
    { class: 'progress' },
    h('div', { class: 'progress-track', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': label || 'Progress' }, fill),
    h('span', { class: 'progress-value' }, `${pct}%`),
  );
}

const dateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

function parseDate(value) {
  if (!value) return null;
  // A bare date (YYYY-MM-DD) is a calendar day, not UTC midnight.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(value, fallback = '—') {
  const d = parseDate(value);
  return d ? dateFmt.format(d) : fallback;
}

export function formatDateTime(value, fallback = '—') {
  const d = parseDate(value);
  return d ? dateTimeFmt.format(d) : fallback;
}

export function isPast(value) {
  const d = parseDate(value);
  if (!d) return false;
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return d < today;
}

/** Put a button into a busy state; returns a function that restores it. */
export function busy(button, label) {
  const original = Array.from(button.childNodes);
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(h('span', { class: 'spinner spinner-sm', 'aria-hidden': 'true' }), label || button.textContent);
  return () => {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.replaceChildren(...original);
  };
}

let toastTimer = null;
export function toast(message, tone = 'info') {
  let host = document.getElementById('toast');
  if (!host) {
    host = h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' });
    document.body.append(host);
  }
  host.className = `toast toast-${tone} is-visible`;
  host.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => host.classList.remove('is-visible'), 3500);
}
