// Shared pieces of the approvals pages: the status badge, due-date highlighting and
// links to an item.

import { APPROVAL_STATUS_LABELS, APPROVAL_TONES } from './constants.js';
import { html } from './html.js';
import { Icon } from './icons.js';
import { Badge, daysFromToday, dueLabel, formatDate } from './ui.js';

export const DECIDE_REASON = 'Only the client owner or the assigned people can decide';

export function approvalPath(item) {
  return `/approvals/${encodeURIComponent(item.id)}`;
}

export function ApprovalBadge({ status, testid }) {
  return html`<${Badge} status=${status} tone=${APPROVAL_TONES[status] || status} label=${APPROVAL_STATUS_LABELS[status]} data-testid=${testid} data-status=${status || ''} />`;
}

export function isOpen(item) {
  return item.status === 'pending' || item.status === 'revision_requested';
}

/** 'overdue' | 'soon' (≤ 2 days) | 'later' | 'none': only open items are highlighted. */
export function dueState(item) {
  if (!item.due || !isOpen(item)) return 'none';
  const days = daysFromToday(item.due);
  if (item.overdue || (days !== null && days < 0)) return 'overdue';
  if (days !== null && days <= 2) return 'soon';
  return 'later';
}

/** The due date as a small pill: red when overdue, amber within two days. */
export function DueChip({ item, testid }) {
  if (!item.due) return html`<span class="due-chip due-none" data-testid=${testid}>No due date</span>`;
  const state = dueState(item);
  const text = state === 'none' ? `Due ${formatDate(item.due)}` : `${dueLabel(item.due)} · ${formatDate(item.due)}`;
  return html`<span class=${`due-chip due-${state}`} data-testid=${testid} data-due-state=${state}>${state === 'overdue' || state === 'soon' ? html`<${Icon} name="clock" />` : null}${text}</span>`;
}

export function personName(p) {
  if (!p) return 'Someone';
  return p.name || p.email || 'Someone';
}
