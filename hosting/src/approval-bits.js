// Shared pieces of the approvals pages: status labels, due-date highlighting,
// content types and safe external links.

import { h, icon } from './dom.js';
import { badge, daysFromToday, dueLabel, formatDate } from './ui.js';

export const APPROVAL_STATUSES = ['pending', 'revision_requested', 'approved', 'rejected'];
export const APPROVAL_STATUS_LABELS = { pending: 'Pending', revision_requested: 'Changes requested', approved: 'Approved', rejected: 'Rejected' };
const APPROVAL_TONES = { pending: 'due_soon', revision_requested: 'active', approved: 'completed', rejected: 'failed' };

export const CONTENT_TYPES = ['design', 'copy', 'video', 'audio', 'strategy'];
export const CONTENT_TYPE_LABELS = { design: 'Design', copy: 'Copy', video: 'Video', audio: 'Audio', strategy: 'Strategy' };

export const DECIDE_REASON = 'Only the client owner or the assigned people can decide';

export function approvalPath(item) {
  return `/approvals/${encodeURIComponent(item.id)}`;
}

export function approvalBadge(status, testid) {
  const el = badge(APPROVAL_TONES[status] || status, APPROVAL_STATUS_LABELS[status] || undefined);
  if (testid) el.setAttribute('data-testid', testid);
  el.setAttribute('data-status', status || '');
  return el;
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
export function dueChip(item, testid) {
  if (!item.due) return h('span', { class: 'due-chip due-none', 'data-testid': testid }, 'No due date');
  const state = dueState(item);
  const text = state === 'none' ? `Due ${formatDate(item.due)}` : `${dueLabel(item.due)} · ${formatDate(item.due)}`;
  return h('span', { class: `due-chip due-${state}`, 'data-testid': testid, 'data-due-state': state }, state === 'overdue' || state === 'soon' ? icon('clock') : null, text);
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

export function externalLink(href, label, attrs = {}) {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', 'data-external': '', ...attrs }, label, icon('external'));
}

export function personName(p) {
  if (!p) return 'Someone';
  return p.name || p.email || 'Someone';
}
