// Shared view pieces: page headers, loading skeletons, error and empty states,
// badges, progress, buttons with a busy state, dates and money.

import { useEffect, useRef } from 'preact/hooks';
import { STATUS_TONES } from './constants.js';
import { daysFrom, format as formatIn, parse as parseValue } from './dates.js';
import { html } from './html.js';
import { Icon } from './icons.js';

// The heading of the page that the last navigation opened takes the focus once (so a
// screen reader announces the new page); the first page load leaves focus alone.
let focusHeading = false;
export function focusNextHeading() {
  focusHeading = true;
}

export function PageHeader({ title, subtitle, subtitleClass, subtitleTestid, actions }) {
  const ref = useRef(null);
  useEffect(() => {
    if (focusHeading && ref.current) {
      focusHeading = false;
      ref.current.focus({ preventScroll: true });
    }
  }, []);
  return html`
    <header class="page-header">
      <div class="page-heading">
        <h1 ref=${ref} data-testid="page-title" tabindex="-1">${title}</h1>
        ${subtitle ? html`<p class=${['page-subtitle', subtitleClass].filter(Boolean).join(' ')} data-testid=${subtitleTestid}>${subtitle}</p>` : null}
      </div>
      ${actions ? html`<div class="page-actions">${actions}</div>` : null}
    </header>
  `;
}

export function Spinner({ label = 'Loading…' }) {
  return html`<div class="loading-inline" role="status" data-testid="loading"><span class="spinner" aria-hidden="true"></span><span>${label}</span></div>`;
}

/** Skeleton placeholders: 'cards' (a grid) or 'rows' (a list). */
export function Skeleton({ kind = 'cards', count = 3, label = 'Loading…' }) {
  const items = Array.from({ length: count }, () =>
    kind === 'cards'
      ? html`<div class="card skeleton-card"><div class="sk sk-title"></div><div class="sk sk-line"></div><div class="sk sk-bar"></div></div>`
      : html`<div class="skeleton-row"><div class="sk sk-avatar"></div><div class="sk sk-line"></div></div>`,
  );
  return html`<div class=${`skeleton skeleton-${kind}`} role="status" aria-busy="true" data-testid="loading"><span class="visually-hidden">${label}</span>${items}</div>`;
}

/** An error panel with the server's message and, given `onRetry`, a retry button. */
export function ErrorState({ error, onRetry, title = 'Something went wrong' }) {
  const message = (error && error.message) || 'An unexpected error occurred.';
  return html`
    <div class="state state-error" role="alert">
      <div class="state-icon state-icon-error"><${Icon} name="alert" /></div>
      <h2 class="state-title">${title}</h2>
      <p class="state-text" data-testid="error-message">${message}</p>
      ${onRetry ? html`<button type="button" class="btn btn-secondary" onClick=${onRetry}><${Icon} name="refresh" />Try again</button>` : null}
    </div>
  `;
}

export function EmptyState({ title, text, icon = 'inbox', children }) {
  return html`
    <div class="state state-empty">
      <div class="state-icon"><${Icon} name=${icon} /></div>
      <h2 class="state-title">${title}</h2>
      ${text ? html`<p class="state-text">${text}</p>` : null}
      ${children}
    </div>
  `;
}

export function InlineError({ message, testid = 'error-message' }) {
  if (!message) return null;
  return html`<div class="alert alert-error" role="alert" data-testid=${testid}><${Icon} name="alert" /><span>${message}</span></div>`;
}

export function titleCase(s) {
  return String(s || '')
    .replace(/_/g, ' ')
    .replace(/^\w/, (c) => c.toUpperCase());
}

/** A status pill; `tone` picks the colour when it differs from the status. */
export function Badge({ status, label, tone, ...rest }) {
  const t = STATUS_TONES[tone || status] || 'neutral';
  return html`<span class=${`badge badge-${t}`} ...${rest}>${label || titleCase(status)}</span>`;
}

function clampPct(value) {
  return Math.max(0, Math.min(100, Math.round(Number(value) || 0)));
}

export function ProgressBar({ value, label, testid }) {
  const pct = clampPct(value);
  return html`
    <div class="progress">
      <div class="progress-track" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${String(pct)} aria-label=${label || 'Progress'} data-testid=${testid}>
        <div class=${`progress-fill${pct >= 100 ? ' is-complete' : ''}`} style=${{ width: `${pct}%` }}></div>
      </div>
      <span class="progress-value">${pct}%</span>
    </div>
  `;
}

/** Progress as a ring (SVG attributes, not inline styles), with the percentage inside. */
export function ProgressRing({ value, label, testid, size = 112 }) {
  const pct = clampPct(value);
  const stroke = 10;
  const r = (size - stroke) / 2;
  const c = 2 * Math.PI * r;
  const mid = size / 2;
  return html`
    <div class="ring" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${String(pct)} aria-label=${label || 'Progress'} data-testid=${testid}>
      <svg viewBox=${`0 0 ${size} ${size}`} width=${size} height=${size} aria-hidden="true" focusable="false" class="ring-svg">
        <circle cx=${mid} cy=${mid} r=${r} fill="none" stroke-width=${stroke} class="ring-track" />
        <circle cx=${mid} cy=${mid} r=${r} fill="none" stroke-width=${stroke} class=${`ring-fill${pct >= 100 ? ' is-complete' : ''}`} stroke-linecap="round" stroke-dasharray=${`${c} ${c}`} stroke-dashoffset=${String(c * (1 - pct / 100))} transform=${`rotate(-90 ${mid} ${mid})`} />
      </svg>
      <span class="ring-value" aria-hidden="true"><strong>${pct}%</strong><span>complete</span></span>
    </div>
  `;
}

/** A button that shows a spinner and `busyLabel` (and is disabled) while `busy`. */
export function Button({ busy = false, busyLabel, disabled, children, type = 'button', class: className = 'btn btn-secondary', ...rest }) {
  return html`
    <button type=${type} class=${className} disabled=${busy || disabled} aria-busy=${busy ? 'true' : undefined} ...${rest}>
      ${busy ? html`<span class="spinner spinner-sm" aria-hidden="true"></span>${busyLabel === undefined ? children : busyLabel}` : children}
    </button>
  `;
}

/** A labelled form field: <${Field} id="x" label="Email" hint="…"><input id="x" …/><//> */
export function Field({ id, label, hint, class: className = 'field', children }) {
  return html`
    <div class=${className}>
      <label class="field-label" for=${id}>${label}</label>
      ${children}
      ${hint ? html`<p class="field-hint" id=${`${id}-hint`}>${hint}</p>` : null}
    </div>
  `;
}

/** Only http(s) URLs become links (no javascript:, data: …). */
export function safeUrl(value) {
  if (!value || typeof value !== 'string') return null;
  try {
    const url = new URL(value, location.origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

export function ExternalLink({ href, children, ...rest }) {
  return html`<a href=${href} target="_blank" rel="noopener noreferrer" data-external="" ...${rest}>${children}<${Icon} name="external" /></a>`;
}

const DATE = { day: 'numeric', month: 'short', year: 'numeric' };
const DATE_TIME = { ...DATE, hour: '2-digit', minute: '2-digit' };

function parseDate(value) {
  const parsed = parseValue(value);
  return parsed ? parsed.date : null;
}

/** A date in the reader's time zone (their profile's, else the browser's). */
export function formatDate(value, fallback = '—') {
  const parsed = parseValue(value);
  return parsed ? formatIn(parsed, DATE) : fallback;
}

/** A date and time in the reader's time zone. */
export function formatDateTime(value, fallback = '—') {
  const parsed = parseValue(value);
  return parsed ? formatIn(parsed, DATE_TIME) : fallback;
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

/** Whole calendar days from today to a date (negative = in the past). */
export function daysFromToday(value) {
  const parsed = parseValue(value);
  return parsed ? daysFrom(parsed) : null;
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

/** The value's calendar day (in the reader's zone) is before today. */
export function isPast(value) {
  const days = daysFromToday(value);
  return days !== null && days < 0;
}


/** A <time> element: relative text, the full date and time as its tooltip. */
export function TimeAgo({ value, class: className = 'muted small', fallback = '—' }) {
  const d = parseDate(value);
  if (!d) return fallback === null ? null : html`<span class=${className}>${fallback}</span>`;
  return html`<time class=${className} datetime=${d.toISOString()} title=${formatDateTime(value)}>${relativeTime(value)}</time>`;
}

let toastTimer = null;
/** A short status message at the bottom of the screen. */
export function toast(message, tone = 'info') {
  let host = document.getElementById('toast');
  if (!host) {
    host = document.createElement('div');
    host.id = 'toast';
    host.setAttribute('role', 'status');
    host.setAttribute('aria-live', 'polite');
    document.body.append(host);
  }
  host.className = `toast toast-${tone} is-visible`;
  host.textContent = message;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => host.classList.remove('is-visible'), 3500);
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
