// The signed-in pages, in navigation order. Each page module exports
// `render(container, ctx)`.

import * as approvalDetail from './pages/approval.js';
import * as approvals from './pages/approvals.js';
import * as billing from './pages/billing.js';
import * as bookings from './pages/bookings.js';
import * as dashboard from './pages/dashboard.js';
import * as files from './pages/files.js';
import * as messages from './pages/messages.js';
import * as projectDetail from './pages/project.js';
import * as projects from './pages/projects.js';
import * as team from './pages/team.js';
import { canSeeBilling, canSeeTeam } from './state.js';

export const ROUTES = [
  { path: '/', key: 'dashboard', label: 'Dashboard', icon: 'dashboard', page: dashboard },
  { path: '/projects', key: 'projects', label: 'Projects', icon: 'projects', page: projects },
  { path: '/approvals', key: 'approvals', label: 'Approvals', icon: 'approvals', page: approvals },
  { path: '/billing', key: 'billing', label: 'Billing', icon: 'billing', page: billing, allowed: canSeeBilling },
  { path: '/messages', key: 'messages', label: 'Messages', icon: 'messages', page: messages },
  { path: '/files', key: 'files', label: 'Files', icon: 'files', page: files },
  { path: '/bookings', key: 'bookings', label: 'Bookings', icon: 'bookings', page: bookings },
  { path: '/team', key: 'team', label: 'Team', icon: 'team', page: team, allowed: canSeeTeam },
];

// Pages reached by links, not in the navigation: `pattern` captures `params`;
// `key` is the navigation entry they highlight.
const DETAIL_ROUTES = [
  { pattern: /^\/projects\/([A-Za-z0-9_-]{1,128})$/, names: ['id'], key: 'projects', label: 'Project', page: projectDetail },
  { pattern: /^\/approvals\/([A-Za-z0-9_-]{1,128})$/, names: ['id'], key: 'approvals', label: 'Approval', page: approvalDetail },
];

const ALIASES = { '/dashboard': '/' };

/** The route for a path (with `params` for detail pages), or null. */
export function findRoute(path) {
  const p = ALIASES[path] || path;
  const exact = ROUTES.find((r) => r.path === p);
  if (exact) return { ...exact, params: {} };
  for (const r of DETAIL_ROUTES) {
    const m = r.pattern.exec(p);
    if (m) return { ...r, path: p, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

export function visibleRoutes(user) {
  return ROUTES.filter((r) => !r.allowed || r.allowed(user));
}
