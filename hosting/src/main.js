// Entry point: restore the session, then route between the public pages (sign-in,
// invite) and the signed-in shell.

import './styles.css';
import { ApiError, api, isAbort, setUnauthenticatedHandler } from './api.js';
import { h, mount } from './dom.js';
import { installErrorBoundary } from './errors.js';
import * as invitePage from './pages/invite.js';
import * as loginPage from './pages/login.js';
import * as notFound from './pages/notfound.js';
import { currentPath, navigate, startRouter } from './router.js';
import { findRoute } from './routes.js';
import { PORTAL_NAME, createShell } from './shell.js';
import { clearSession, isStaff, selectedOrg, selectedOrgId, session, setSelectedOrgId, setSession } from './state.js';
import { errorState, pageHeader, skeleton, spinner, toast } from './ui.js';

installErrorBoundary();

const app = document.getElementById('app');
let sessionChecked = false;
let shell = null;
let pageController = null;
let flash = '';
const NEXT_KEY = 'portal.next';

function rememberNext(path) {
  try {
    if (path && path !== '/' && path !== '/login') sessionStorage.setItem(NEXT_KEY, path);
  } catch {
    /* ignore */
  }
}

function takeNext() {
  try {
    const next = sessionStorage.getItem(NEXT_KEY);
    sessionStorage.removeItem(NEXT_KEY);
    return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  } catch {
    return '/';
  }
}

async function restoreSession() {
  try {
    const res = await api.get('/api/auth/session', { auth: false });
    if (res && res.authenticated && res.user) setSession(res.user, res.csrfToken);
    else clearSession();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) clearSession();
    else throw err;
  }
  sessionChecked = true;
}

async function loadOrgs() {
  if (!isStaff()) {
    session.orgs = [];
    return;
  }
  try {
    const res = await api.get('/api/orgs');
    session.orgs = (res.items || []).filter((o) => o.kind !== 'agency');
  } catch (err) {
    session.orgs = [];
    toast(`Could not load the client list: ${err.message}`, 'error');
  }
}

function teardownShell() {
  if (pageController) pageController.abort();
  pageController = null;
  if (shell) shell.destroy();
  shell = null;
}

/** After any successful sign-in (password, email link, accepted invite). */
async function signedIn() {
  teardownShell();
  mount(app, h('div', { class: 'boot' }, spinner('Opening your portal…')));
  await loadOrgs();
  navigate(takeNext(), { replace: true });
}

async function logout(button) {
  button.disabled = true;
  try {
    await api.post('/api/auth/logout', {}, { auth: false });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      button.disabled = false;
      toast(`Sign-out failed: ${err.message}`, 'error');
      return;
    }
  }
  clearSession();
  setSelectedOrgId('');
  teardownShell();
  flash = 'You are signed out.';
  navigate('/login', { replace: true });
}

setUnauthenticatedHandler((err) => {
  if (!session.user) return;
  rememberNext(location.pathname + location.search);
  clearSession();
  teardownShell();
  flash = err.message || 'Your session has ended. Please sign in again.';
  navigate('/login', { replace: true });
});

function publicPage(page, title) {
  teardownShell();
  document.title = `${title} · ${PORTAL_NAME}`;
  const container = h('div', { class: 'auth-layout' });
  mount(app, container);
  const message = flash;
  flash = '';
  return page.render(container, { onSignedIn: signedIn, flash: message });
}

function renderPage(path, { initial }) {
  if (!shell) {
    shell = createShell({
      onLogout: logout,
      onOrgChange: (id) => {
        setSelectedOrgId(id);
        renderPage(currentPath(), { initial: false });
      },
    });
    mount(app, shell.root);
  }
  if (pageController) pageController.abort();
  pageController = new AbortController();
  const route = findRoute(path);
  shell.setActive(route ? route.key : null);
  const container = shell.main;
  container.replaceChildren();
  const ctx = {
    user: session.user,
    api,
    isStaff: isStaff(),
    orgId: selectedOrgId() || null,
    org: selectedOrg(),
    orgs: session.orgs,
    signal: pageController.signal,
    query: new URLSearchParams(location.search),
    params: (route && route.params) || {},
    navigate,
    selectOrg: (id, path) => {
      setSelectedOrgId(id || '');
      if (shell) shell.setOrg(id || '');
      if (path) navigate(path);
      else renderPage(currentPath(), { initial: false });
    },
    refresh: () => renderPage(currentPath(), { initial: false }),
  };
  let page = notFound;
  let title = 'Not found';
  if (route && (!route.allowed || route.allowed(session.user))) {
    page = route.page;
    title = route.label;
  } else if (route) {
    page = { render: (c) => mount(c, pageHeader(route.label), h('div', { class: 'card' }, errorState({ message: `Your role does not include ${route.label.toLowerCase()}. Ask your organisation's owner if you need it.` }, null, 'No access'))) };
    title = route.label;
  }
  document.title = `${title} · ${PORTAL_NAME}`;
  if (!initial) window.scrollTo(0, 0);
  let result;
  try {
    result = page.render(container, ctx);
  } catch (err) {
    result = Promise.reject(err);
  }
  Promise.resolve(result).catch((err) => {
    if (isAbort(err) || ctx.signal.aborted) return;
    console.error(err);
    mount(container, pageHeader(title), errorState(err, ctx.refresh));
  });
  if (!initial) {
    const heading = container.querySelector('h1');
    if (heading) heading.focus({ preventScroll: true });
  }
}

async function route({ initial }) {
  const path = currentPath();
  if (path === '/invite') return publicPage(invitePage, 'Accept your invitation');

  if (!sessionChecked) {
    if (!app.querySelector('.boot')) mount(app, h('div', { class: 'boot' }, skeleton('rows', 3, 'Checking your session…')));
    try {
      await restoreSession();
      if (session.user) await loadOrgs();
    } catch (err) {
      mount(app, h('div', { class: 'fatal-page' }, errorState(err, () => route({ initial: true }), 'Could not reach the portal')));
      return;
    }
  }

  if (path === '/login') {
    if (session.user && !loginPage.hasPendingEmailLink()) return navigate(takeNext(), { replace: true });
    return publicPage(loginPage, 'Sign in');
  }
  if (!session.user) {
    rememberNext(location.pathname + location.search);
    return navigate('/login', { replace: true });
  }
  renderPage(path, { initial });
}

startRouter((opts) => {
  route(opts).catch((err) => {
    if (!isAbort(err)) throw err;
  });
});
