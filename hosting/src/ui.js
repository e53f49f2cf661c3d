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
  past_due: 'danger',
  canceled: 'muted',
  paid: 'success',
  succeeded: 'success',
  open: 'warning',
  failed: 'danger',
  refunded: 'muted',
  overdue: 'danger',
  due_soon: 'warning',
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

export function progressBar(value, label, testid) {
  const pct = clampPct(value);
  const fill = h('div', { class: `progress-fill${pct >= 100 ? ' is-complete' : ''}` });
  fill.style.width = `${pct}%`; // CSSOM: allowed by the CSP, unlike a style attribute
  return h(
    'div',
    { class: 'progress' },
    h('div', { class: 'progress-track', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': label || 'Progress', 'data-testid': testid }, fill),
    h('span', { class: 'progress-value' }, `${pct}%`),
  );
}

function clampPct(value) {
  return Math.max(0, Math.min(100, Math.round(Number(value) || 0)));
}

const SVG = 'http://www.w3.org/2000/svg';

/** Progress as a ring (SVG; attributes, not inline styles), with the percentage inside. */
export function progressRing(value, label, testid, size = 112) {
  const pct = clampPct(value);
  const stroke = 10;
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'ring-svg');
  const circle = (cls) => {
    const el = document.createElementNS(SVG, 'circle');
    el.setAttribute('cx', String(size / 2));
    el.setAttribute('cy', String(size / 2));
    el.setAttribute('r', String(r));
    el.setAttribute('fill', 'none');
    el.setAttribute('stroke-width', String(stroke));
    el.setAttribute('class', cls);
    return el;
  };
  const track = circle('ring-track');
  const fill = circle(`ring-fill${pct >= 100 ? ' is-complete' : ''}`);
  fill.setAttribute('stroke-linecap', 'round');
  fill.setAttribute('stroke-dasharray', `${c} ${c}`);
  fill.setAttribute('stroke-dashoffset', String(c * (1 - pct / 100)));
  fill.setAttribute('transform', `rotate(-90 ${size / 2} ${size / 2})`);
  svg.append(track, fill);
  return h(
    'div',
    { class: 'ring', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': label || 'Progress', 'data-testid': testid },
    svg,
    h('span', { class: 'ring-value', 'aria-hidden': 'true' }, h('strong', null, `${pct}%`), h('span', null, 'complete')),
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

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "in 2 days", "just now". */
export function relativeTime(value, fallback = '—') {
  const d = parseDate(value);
  if (!d) return fallback;
  return relativeSeconds((d.getTime() - Date.now()) / 1000);
}

export function relativeSeconds(seconds) {
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (abs >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return rtf.format(Math.round(seconds / 60), 'minute');
}

/** A <time> element: relative text, the full date and time as its tooltip. */
export function timeAgo(value, className = 'muted small') {
  const d = parseDate(value);
  if (!d) return h('span', { class: className }, '—');
  return h('time', { class: className, datetime: d.toISOString(), title: dateTimeFmt.format(d) }, relativeTime(value));
}

/** Whole calendar days from today to a date (negative = in the past). */
export function daysFromToday(value) {
  const d = parseDate(value);
  if (!d) return null;
  const day = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  return Math.round((day - today) / 86400000);
}

/** "Due today", "Due in 3 days", "Overdue by 2 days". */
export function dueLabel(value) {
  const days = daysFromToday(value);
  if (days === null) return '';
  if (days === 0) return 'Due today';
  if (days === 1) return 'Due tomorrow';
  if (days > 1) return `Due in ${days} days`;
  if (days === -1) return 'Overdue by 1 day';
  return `Overdue by ${-days} days`;
}

/** Money in minor units (450000 USD → "$4,500.00"), using the currency's own decimals. */
export function formatMoney(amount, currency) {
  if (amount === null || amount === undefined || Number.isNaN(Number(amount))) return '—';
  const code = String(currency || 'usd').toUpperCase();
  let fmt;
  try {
    fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
  } catch {
    return `${(Number(amount) / 100).toFixed(2)} ${code}`;
  }
  const places = fmt.resolvedOptions().maximumFractionDigits;
  return fmt.format(Number(amount) / 10 ** places);
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
