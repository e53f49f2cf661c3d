// The signed-in pages, in navigation order. Each page is a module loaded on first
// visit (its own chunk) whose default export is the page component; `requires` names
// the policy action (from the user's capabilities) the page needs.

import { can } from './state.js';

export const ROUTES = [
  { path: '/', key: 'dashboard', label: 'Dashboard', icon: 'dashboard', load: () => import('./pages/dashboard.js'), data: (p, orgId) => ['/api/dashboard', { orgId }] },
  { path: '/projects', key: 'projects', label: 'Projects', icon: 'projects', load: () => import('./pages/projects.js') },
  { path: '/approvals', key: 'approvals', label: 'Approvals', icon: 'approvals', load: () => import('./pages/approvals.js') },
  { path: '/billing', key: 'billing', label: 'Billing', icon: 'billing', load: () => import('./pages/billing.js'), requires: 'billing.read' },
  { path: '/messages', key: 'messages', label: 'Messages', icon: 'messages', load: () => import('./pages/messages.js') },
  { path: '/files', key: 'files', label: 'Files', icon: 'files', load: () => import('./pages/files.js') },
  { path: '/bookings', key: 'bookings', label: 'Bookings', icon: 'bookings', load: () => import('./pages/bookings.js') },
  // The team page is where people are invited and removed.
  { path: '/team', key: 'team', label: 'Team', icon: 'team', load: () => import('./pages/team.js'), requires: 'members.invite' },
  // The staff workspace: clients (with their settings), what needs attention (failed deliveries,
  // Whop events and meetings no client was found for) and project templates.
  { path: '/clients', key: 'clients', label: 'Clients', icon: 'team', load: () => import('./pages/clients.js'), requires: 'clients.read', scope: 'agency' },
  { path: '/attention', key: 'attention', label: 'Needs attention', icon: 'alert', load: () => import('./pages/attention.js'), requires: 'deliveries.manage', scope: 'agency' },
  { path: '/templates', key: 'templates', label: 'Templates', icon: 'projects', load: () => import('./pages/templates.js'), requires: 'templates.read', scope: 'agency' },
  { path: '/audit', key: 'audit', label: 'Audit log', icon: 'activity', load: () => import('./pages/audit.js'), requires: 'audit.read' },
];

// Pages reached by links, not in the navigation: `pattern` captures `params`;
// `key` is the navigation entry they highlight. `data(params, orgId)`, where a page has
// one, is the [path, query] of the GET it makes first: a first visit starts it early.
const DETAIL_ROUTES = [
  { pattern: /^\/projects\/new$/, names: [], key: 'projects', label: 'New project', load: () => import('./pages/project-new.js'), requires: 'projects.create' },
  { pattern: /^\/clients\/([A-Za-z0-9_-]{1,128})$/, names: ['id'], key: 'clients', label: 'Client', load: () => import('./pages/client.js'), requires: 'clients.read', scope: 'agency' },
  { pattern: /^\/projects\/([A-Za-z0-9_-]{1,128})$/, names: ['id'], key: 'projects', label: 'Project', load: () => import('./pages/project.js'), data: (p) => [`/api/projects/${encodeURIComponent(p.id)}`] },
  { pattern: /^\/approvals\/([A-Za-z0-9_-]{1,128})$/, names: ['id'], key: 'approvals', label: 'Approval', load: () => import('./pages/approval.js'), data: (p) => [`/api/approvals/${encodeURIComponent(p.id)}`] },
  { pattern: /^\/search$/, names: [], key: 'search', label: 'Search', load: () => import('./pages/search.js'), requires: 'search' },
  { pattern: /^\/messages\/([A-Za-z0-9_-]{1,128})$/, names: ['id'], key: 'messages', label: 'Thread', load: () => import('./pages/thread.js'), data: (p) => [`/api/messages/${encodeURIComponent(p.id)}`, { limit: 50 }] },
  { pattern: /^\/notifications$/, names: [], key: 'notifications', label: 'Notifications', load: () => import('./pages/notifications.js') },
  { pattern: /^\/notifications\/settings$/, names: [], key: 'notifications', label: 'Notification settings', load: () => import('./pages/notification-settings.js') },
  { pattern: /^\/account$/, names: [], key: 'account', label: 'Your account', load: () => import('./pages/account.js') },
  { pattern: /^\/privacy$/, names: [], key: 'privacy', label: 'Privacy and data', load: () => import('./pages/privacy.js') },
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

export function allowed(route, user) {
  return !route.requires || can(route.requires, route.scope || 'clients', user);
}

export function visibleRoutes(user) {
  return ROUTES.filter((r) => allowed(r, user));
}
