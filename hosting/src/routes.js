// The signed-in pages, in navigation order. Each page module exports
// `render(container, ctx)`.

import * as approvals from './pages/approvals.js';
import * as billing from './pages/billing.js';
import * as bookings from './pages/bookings.js';
import * as dashboard from './pages/dashboard.js';
import * as files from './pages/files.js';
import * as messages from './pages/messages.js';
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

const ALIASES = { '/dashboard': '/' };

export function findRoute(path) {
  const p = ALIASES[path] || path;
  return ROUTES.find((r) => r.path === p) || null;
}

export function visibleRoutes(user) {
  return ROUTES.filter((r) => !r.allowed || r.allowed(user));
}
