// Entry point: restore the session, then route between the public pages (sign-in,
// invite, restoring a deleted account) and the signed-in shell. The whole app is one
// Preact tree rendered into #app; each navigation renders it again with the page for
// the new address.

import './styles.css';
import { render } from 'preact';
import { useErrorBoundary, useEffect, useState } from 'preact/hooks';
import { ApiError, api, isAbort, prime, setUnauthenticatedHandler } from './api.js';
import { PORTAL_NAME } from './constants.js';
import { installErrorBoundary } from './errors.js';
import { startLive, stopLive } from './live.js';
import { html } from './html.js';
import { currentPath, navigate, startRouter } from './router.js';
import { allowed, findRoute } from './routes.js';
import { Shell } from './shell.js';
import { clearSession, isStaff, probablySignedIn, rememberNext, selectedOrg, selectedOrgId, session, setSelectedOrgId, setSession, storedOrgId, takeNext, viewingAs } from './state.js';
import { exitViewAs } from './viewas.js';
import { EmptyState, ErrorState, PageHeader, Skeleton, Spinner, focusNextHeading, toast } from './ui.js';

installErrorBoundary();

const app = document.getElementById('app');
app.replaceChildren(); // the static "Loading the portal…" placeholder
let sessionChecked = false;
let flash = '';
let refreshes = 0;
let firstData = null; // the first page's early request (see route())
const show = (vnode) => render(vnode, app);

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

/** The user's account with `capabilities` from the policy (what `can()` reads). */
async function loadMe() {
  if (session.user && session.user.capabilities) return; // the session already carried them
  const me = await api.get('/api/auth/me');
  if (session.user && me) session.user = { ...session.user, ...me };
}

/** Everything the shell needs once signed in: capabilities and, for staff, the clients. */
async function loadAccount() {
  await Promise.all([loadMe(), loadOrgs()]);
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

/** After any successful sign-in (password, email link, accepted invite). */
async function signedIn() {
  show(html`<div class="boot"><${Spinner} label="Opening your portal…" /></div>`);
  try {
    await loadAccount();
  } catch (err) {
    toast(`Could not load your account: ${err.message}`, 'error');
  }
  navigate(takeNext(), { replace: true });
}

/** Sign out; false when it failed (the button comes back). */
async function logout() {
  if (viewingAs()) {
    await exitViewAs(api); // signing out while viewing as a client leaves the view first
    return true;
  }
  try {
    await api.post('/api/auth/logout', {}, { auth: false });
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      toast(`Sign-out failed: ${err.message}`, 'error');
      return false;
    }
  }
  stopLive();
  clearSession();
  setSelectedOrgId('');
  flash = 'You are signed out.';
  navigate('/login', { replace: true });
  return true;
}

/** The account is being ended from this page (on) or that failed (off): meanwhile a 401
 *  does not send the person to the sign-in page, the page says what happened. */
function accountClosing(on) {
  session.closed = on;
}

setUnauthenticatedHandler((err) => {
  if (!session.user || session.closed) return;
  rememberNext(location.pathname + location.search);
  stopLive();
  clearSession();
  flash = err.message || 'Your session has ended. Please sign in again.';
  navigate('/login', { replace: true });
});

const RELOADED_KEY = 'portal.reloaded';
/** A page's code failed to load: most likely a release has replaced it since this document
 *  loaded (its chunks are gone). Reload once per release, so that the new document asks for
 *  the new chunks; true when reloading. This bundle's own URL names the release (its hash
 *  changes with any chunk's name), so a document that is still the old one after the reload,
 *  or fails again, shows the error instead of reloading again; so does a browser offline. */
function reloadForRelease() {
  try {
    if (!navigator.onLine || sessionStorage.getItem(RELOADED_KEY) === import.meta.url) return false;
    sessionStorage.setItem(RELOADED_KEY, import.meta.url);
  } catch {
    return false;
  }
  location.reload();
  return true;
}

const modules = new Map();
/** A page module, loaded once (each page is its own chunk). */
function usePageModule(load) {
  const [mod, setMod] = useState(() => modules.get(load) || null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (mod) return;
    load().then(
      (m) => {
        modules.set(load, m);
        setMod(m);
      },
      (err) => reloadForRelease() || setError(err),
    );
  }, [load]);
  return { mod, error };
}

/** Renders a page module's component; a page that throws shows the error, not a blank. */
function PageHost({ load, title, ctx }) {
  const [error, resetError] = useErrorBoundary((err) => console.error(err));
  const { mod, error: loadError } = usePageModule(load);
  const failure = error || loadError;
  if (failure && !isAbort(failure)) {
    return html`<${PageHeader} title=${title} /><${ErrorState} error=${failure} onRetry=${() => (loadError ? location.reload() : (resetError(), ctx.refresh()))} />`;
  }
  if (!mod) return html`<${Skeleton} kind="cards" count=${3} label="Loading…" />`;
  const Page = mod.default;
  return html`<${Page} ...${ctx} />`;
}

function NoAccess({ label }) {
  return html`
    <${PageHeader} title=${label} />
    <div class="card"><${ErrorState} error=${{ message: `Your role does not include ${label.toLowerCase()}. Ask your organisation's owner if you need it.` }} title="No access" /></div>
  `;
}

function NotFound() {
  return html`
    <${PageHeader} title="Page not found" />
    <div class="card">
      <${EmptyState} title="There is no page at this address" text="Check the link, or go back to your dashboard." icon="alert">
        <a href="/" class="btn btn-primary">Go to the dashboard</a>
      <//>
    </div>
  `;
}

function selectOrg(id, path) {
  setSelectedOrgId(id || '');
  if (path) navigate(path);
  else renderPage({ initial: false });
}

function refresh() {
  refreshes += 1;
  renderPage({ initial: false });
}

/** Reload the staff organisation switcher's list (a client created, edited or archived). */
async function refreshOrgs() {
  await loadOrgs();
  renderPage({ initial: false });
}

function renderPage({ initial }) {
  const path = currentPath();
  const route = findRoute(path);
  const orgId = selectedOrgId() || null;
  const ctx = {
    user: session.user,
    api,
    isStaff: isStaff(),
    orgId,
    org: selectedOrg(),
    orgs: session.orgs,
    query: new URLSearchParams(location.search),
    params: (route && route.params) || {},
    navigate,
    selectOrg,
    refresh,
    refreshOrgs,
    signOut: logout,
    accountClosing,
  };
  let page;
  let title;
  if (!route) {
    title = 'Not found';
    page = html`<${NotFound} />`;
  } else if (!allowed(route, session.user)) {
    title = route.label;
    page = html`<${NoAccess} label=${route.label} />`;
  } else {
    title = route.label;
    page = html`<${PageHost} load=${route.load} title=${route.label} ctx=${ctx} />`;
  }
  document.title = `${title} · ${PORTAL_NAME}`;
  if (!initial) {
    window.scrollTo(0, 0);
    focusNextHeading();
  }
  // A new address, another organisation or a refresh mounts the page afresh.
  const key = `${location.pathname}${location.search}|${orgId || ''}|${refreshes}`;
  show(html`
    <${Shell} user=${session.user} orgs=${session.orgs} orgId=${orgId} activeKey=${route ? route.key : null} onOrgChange=${(id) => selectOrg(id)} onLogout=${logout}>
      <div class="page" key=${key}>${page}</div>
    <//>
  `);
}

async function publicPage(load, title) {
  document.title = `${title} · ${PORTAL_NAME}`;
  const message = flash;
  flash = '';
  let mod;
  try {
    mod = await load();
  } catch (err) {
    if (reloadForRelease()) return;
    throw err;
  }
  const Page = mod.default;
  show(html`<main class="auth-layout" key=${title}><${Page} onSignedIn=${signedIn} flash=${message} /></main>`);
}

const loginPage = () => import('./pages/login.js');
const invitePage = () => import('./pages/invite.js');
const restorePage = () => import('./pages/restore.js');

/** The current URL is a link Firebase emailed (a sign-in link, a password reset, an address to
 *  confirm or a change of it to undo): the sign-in page uses it, signed in or not. */
function hasPendingEmailLink() {
  const params = new URLSearchParams(location.search);
  return ['signIn', 'resetPassword', 'verifyEmail', 'recoverEmail'].includes(params.get('mode')) && params.has('oobCode');
}

/** Where a sign-in link for another of the portal's pages goes on to, or ''. An invitation's
 *  link (continue URL /invite?invite=…) lands on /login when that is the action URL of Firebase's
 *  email templates: it goes on to its page with the link's code, as Firebase's own handler sends it. */
function emailLinkElsewhere() {
  const params = new URLSearchParams(location.search);
  if (params.get('mode') !== 'signIn' || !params.has('oobCode')) return '';
  let target;
  try {
    target = new URL(params.get('continueUrl'));
  } catch {
    return '';
  }
  if (target.origin !== location.origin || target.pathname === '/login') return '';
  for (const key of ['apiKey', 'oobCode', 'mode', 'lang']) if (params.has(key)) target.searchParams.set(key, params.get(key));
  return target.pathname + target.search;
}

async function route({ initial }) {
  const path = currentPath();
  const elsewhere = path === '/login' && emailLinkElsewhere();
  if (elsewhere) return navigate(elsewhere, { replace: true });
  if (path === '/invite') return publicPage(invitePage, 'Accept your invitation');
  if (path === '/restore') return publicPage(restorePage, 'Restore your account');

  if (!sessionChecked) {
    show(html`<main class="boot"><${Skeleton} kind="rows" count=${3} label="Checking your session…" /></main>`);
    // The page's code loads while the session is checked, not after: one round trip less before
    // it paints; kept, so that the page renders at once when it mounts (a failure shows when
    // the page mounts and loads it again). So does its data, with the session cookie, where this
    // browser was signed in: the page's own request of the same address takes that answer.
    // Asked for in the order the first render needs them: the session, the data, the code
    // (over HTTP/1.1 six requests at a time leave the later ones waiting).
    const checking = restoreSession();
    const first = path === '/login' ? null : findRoute(path);
    if (first && first.data && probablySignedIn()) firstData = prime(...first.data(first.params, storedOrgId() || null));
    if (first) first.load().then((m) => modules.set(first.load, m), () => {});
    try {
      await checking;
      if (session.user) await loadAccount();
    } catch (err) {
      show(html`<main class="fatal-page"><${ErrorState} error=${err} onRetry=${() => route({ initial: true })} title="Could not reach the portal" /></main>`);
      return undefined;
    }
  }

  if (path === '/login') {
    if (session.user && !hasPendingEmailLink()) return navigate(takeNext(), { replace: true });
    return publicPage(loginPage, 'Sign in');
  }
  if (!session.user) {
    rememberNext(location.pathname + location.search);
    return navigate('/login', { replace: true });
  }
  renderPage({ initial });
  // Once per session, never as someone else; after the first page's data, so that the
  // live-updates SDK does not share the network with it.
  if (!viewingAs()) startLive(firstData);
  return undefined;
}

startRouter((opts) => {
  route(opts).catch((err) => {
    if (!isAbort(err)) throw err;
  });
});
