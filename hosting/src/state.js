// Session state lives in memory; the HttpOnly `__session` cookie is the session.
// The staff organisation choice is remembered per tab in sessionStorage.

import { STAFF_ROLES } from './constants.js';
import { setTimeZone } from './dates.js';

export const session = {
  user: null,
  csrfToken: null,
  orgs: [],
  // Set when the account ended from this page (deleted): requests that now answer 401
  // no longer send the person to the sign-in page; the page says what happened.
  closed: false,
};

// Whether this browser had a session when last seen (the cookie itself is HttpOnly): a first
// visit asks for its page's data early only then. A hint, never a decision.
const SIGNED_IN_KEY = 'portal.signedIn';

export function setSession(user, csrfToken) {
  session.user = user;
  setTimeZone(user?.profile?.timezone);
  session.csrfToken = csrfToken || null;
  remember(SIGNED_IN_KEY, user ? '1' : '');
}

export function clearSession() {
  session.user = null;
  session.csrfToken = null;
  session.orgs = [];
  session.closed = false;
  remember(SIGNED_IN_KEY, '');
}

export function probablySignedIn() {
  try {
    return window.localStorage.getItem(SIGNED_IN_KEY) === '1';
  } catch {
    return false;
  }
}

function remember(key, value) {
  try {
    if (value) window.localStorage.setItem(key, value);
    else window.localStorage.removeItem(key);
  } catch {
    /* storage unavailable: no early requests */
  }
}

// Where to go once signed in (the page that asked for a sign-in), per tab.
const NEXT_KEY = 'portal.next';

export function rememberNext(path) {
  try {
    if (path && path !== '/' && path !== '/login') sessionStorage.setItem(NEXT_KEY, path);
  } catch {
    /* ignore */
  }
}

/** The remembered page (once), or the dashboard. */
export function takeNext() {
  try {
    const next = sessionStorage.getItem(NEXT_KEY);
    sessionStorage.removeItem(NEXT_KEY);
    return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  } catch {
    return '/';
  }
}

export function isStaff(user = session.user) {
  return Boolean(user) && STAFF_ROLES.includes(user.role);
}

/**
 * Whether the signed-in user may take a policy action (e.g. "projects.update"), as the
 * server's policy reports it in `user.capabilities`: `scope` 'clients' for a client
 * organisation (a client's own; for staff, any client), 'agency' for the agency's own.
 * Per-item rules (who may decide an approval) come with each item from the API.
 */
export function can(action, scope = 'clients', user = session.user) {
  const caps = (user && user.capabilities) || {};
  return (caps[scope] || []).includes(action);
}

export function displayName(user) {
  const p = (user && user.profile) || {};
  const name = [p.firstName, p.lastName].filter(Boolean).join(' ').trim();
  return name || (user && user.email) || '';
}

export function initials(user) {
  const p = (user && user.profile) || {};
  const fromName = [p.firstName, p.lastName].filter(Boolean).map((s) => s.trim()[0]).join('');
  return (fromName || (user && user.email ? user.email[0] : '?')).toUpperCase().slice(0, 2);
}

const ORG_KEY = 'portal.orgId';
const VIEW_AS_KEY = 'portal.viewAs';

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The client organisation a staff member is looking at ('' = all clients). */
export function selectedOrgId() {
  if (!isStaff()) return '';
  const stored = storage()?.getItem(ORG_KEY) || '';
  if (stored && session.orgs.length && !session.orgs.some((o) => o.id === stored)) return '';
  return stored;
}

/** The stored choice before the session is known (what selectedOrgId() will answer for staff). */
export function storedOrgId() {
  return storage()?.getItem(ORG_KEY) || '';
}

export function setSelectedOrgId(id) {
  const s = storage();
  if (!s) return;
  if (id) s.setItem(ORG_KEY, id);
  else s.removeItem(ORG_KEY);
}

export function selectedOrg() {
  const id = selectedOrgId();
  return session.orgs.find((o) => o.id === id) || null;
}

/**
 * The client an admin is viewing the portal as, in this tab: {token, uid, email, role,
 * orgId, expiresAt} from POST /api/view-as, or null. Every request then carries the
 * token (X-View-As) and the server answers as that person, read-only.
 */
export function viewingAs() {
  try {
    const info = JSON.parse(storage()?.getItem(VIEW_AS_KEY) || 'null');
    return info && typeof info.token === 'string' ? info : null;
  } catch {
    return null;
  }
}

export function setViewingAs(info) {
  const s = storage();
  if (!s) return;
  if (info) s.setItem(VIEW_AS_KEY, JSON.stringify(info));
  else s.removeItem(VIEW_AS_KEY);
}
