// The signed-in frame: header (brand, user, sign-out), navigation (a drawer on
// small screens) and, for staff, the organisation switcher.

import { useEffect, useRef, useState } from 'preact/hooks';
import { PORTAL_NAME, ROLE_LABELS } from './constants.js';
import { html } from './html.js';
import { Icon } from './icons.js';
import { navigate } from './router.js';
import { LiveNotice } from './live.js';
import { useUnreadThreads } from './messages-unread.js';
import { useUnreadCount } from './notifications.js';
import { visibleRoutes } from './routes.js';
import { can, displayName, initials, isStaff } from './state.js';
import { ViewAsBanner } from './viewas.js';
import { api } from './api.js';

const mobile = window.matchMedia('(max-width: 860px)');

/** The assistant's button and, once first opened, its panel (its own chunk: ./assistant.js). */
function Assistant() {
  const [open, setOpen] = useState(false);
  const [Panel, setPanel] = useState(null);
  const button = useRef(null);
  const toggle = () => {
    if (!Panel) import('./assistant.js').then((m) => setPanel(() => m.AssistantPanel));
    setOpen(!open);
  };
  const close = () => {
    setOpen(false);
    if (button.current) button.current.focus();
  };
  return html`
    <button ref=${button} type="button" class="icon-btn assistant-btn" aria-label="Assistant" aria-expanded=${String(open)} aria-controls=${Panel ? 'assistant-panel' : undefined} data-testid="assistant-open" onClick=${toggle}>
      <${Icon} name="assistant" />
    </button>
    ${Panel ? html`<${Panel} open=${open} onClose=${close} />` : null}
  `;
}

/** The bell: a link to the notifications with the unread count. */
function Bell({ active }) {
  const unread = useUnreadCount();
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications';
  return html`
    <a href="/notifications" class="icon-btn bell" aria-label=${label} data-testid="bell" aria-current=${active ? 'page' : undefined}>
      <${Icon} name="bell" />
      ${unread ? html`<span class="bell-count" data-testid="bell-count" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : null}
    </a>
  `;
}

export function Shell({ user, orgs, orgId, activeKey, onOrgChange, onLogout, children }) {
  const [drawer, setDrawerState] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const menuBtn = useRef(null);
  const firstLink = useRef(null);
  const giveFocusBack = useRef(false);
  const staff = isStaff(user);
  const routes = visibleRoutes(user);
  const unreadThreads = useUnreadThreads(routes.some((r) => r.key === 'messages'));

  const setDrawer = (open) => setDrawerState(open && mobile.matches);

  useEffect(() => {
    document.body.classList.toggle('drawer-open', drawer);
    // Keep keyboard and screen-reader focus inside the open drawer.
    if (drawer && firstLink.current) firstLink.current.focus();
    // Closed with Escape or its close button: the focus goes back to the menu button, once
    // the header is no longer inert (focusing it before would lose the focus).
    if (!drawer && giveFocusBack.current && menuBtn.current) menuBtn.current.focus();
    giveFocusBack.current = false;
    return () => document.body.classList.remove('drawer-open');
  }, [drawer]);

  useEffect(() => {
    const onKey = (e) => {
      if (e.key === 'Escape' && document.body.classList.contains('drawer-open')) {
        giveFocusBack.current = true;
        setDrawerState(false);
      }
    };
    const onMedia = () => {
      if (!mobile.matches) setDrawerState(false);
    };
    document.addEventListener('keydown', onKey);
    mobile.addEventListener('change', onMedia);
    return () => {
      document.removeEventListener('keydown', onKey);
      mobile.removeEventListener('change', onMedia);
    };
  }, []);

  const logout = async () => {
    setSigningOut(true);
    const done = await onLogout();
    if (!done) setSigningOut(false);
  };

  const search = (e) => {
    e.preventDefault();
    const q = new FormData(e.currentTarget).get('q').trim();
    if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
  };
  const current = location.pathname === '/search' ? new URLSearchParams(location.search).get('q') || '' : '';

  const roleLine = [ROLE_LABELS[user.role] || user.role, user.orgName].filter(Boolean).join(' · ');
  return html`
    <${ViewAsBanner} api=${api} user=${user} />
    <div class="shell">
      <a href="#main" class="skip-link" data-external="">Skip to content</a>
      <header class="topbar" inert=${drawer}>
        <div class="topbar-row">
          <button ref=${menuBtn} type="button" class="icon-btn menu-btn" aria-label=${drawer ? 'Close menu' : 'Open menu'} aria-expanded=${String(drawer)} aria-controls="sidebar" onClick=${() => setDrawer(!drawer)}>
            <${Icon} name="menu" />
          </button>
          <a href="/" class="brand"><span class="brand-mark" aria-hidden="true">P</span><span class="brand-name">${PORTAL_NAME}</span></a>
          ${can('search')
            ? html`
                <form role="search" class="topbar-search" aria-label="Portal" data-testid="search-form" onSubmit=${search}>
                  <label for="site-search" class="visually-hidden">Search projects, approvals, files and messages</label>
                  <input id="site-search" name="q" type="search" class="input" placeholder="Search…" maxlength="200" autocomplete="off" defaultValue=${current} key=${current} data-testid="search-input" />
                  <button type="submit" class="icon-btn" aria-label="Search" data-testid="search-submit"><${Icon} name="search" /></button>
                </form>
              `
            : null}
          <div class="topbar-spacer"></div>
          ${can('assistant.use') || can('assistant.use', 'agency') ? html`<${Assistant} />` : null}
          <${Bell} active=${activeKey === 'notifications'} />
          <button type="button" class="btn btn-secondary btn-sm" data-testid="logout" disabled=${signingOut} onClick=${logout}><${Icon} name="logout" /><span>Sign out</span></button>
        </div>
        <div class="user-menu" data-testid="user-menu">
          ${user.profile?.avatarUrl ? html`<img class="avatar" src=${user.profile.avatarUrl} alt="" width="32" height="32" />` : html`<span class="avatar" aria-hidden="true">${initials(user)}</span>`}
          <span class="user-text"><span class="user-name">${displayName(user)}</span><span class="user-email">${user.email}</span><span class="user-role">${roleLine}</span></span>
          <a href="/account" class="link user-account" data-testid="nav-account">Your account</a>
          <a href="/privacy" class="user-privacy small" data-testid="privacy-link">Privacy and data</a>
        </div>
      </header>
      <div class="backdrop" onClick=${() => setDrawer(false)}></div>
      <aside id="sidebar" class="sidebar" aria-label="Navigation">
        <div class="drawer-head">
          <span class="brand-name">${PORTAL_NAME}</span>
          <button type="button" class="icon-btn drawer-close" aria-label="Close menu" onClick=${() => { giveFocusBack.current = true; setDrawer(false); }}><${Icon} name="close" /></button>
        </div>
        ${staff
          ? html`
              <div class="org-switcher">
                <label for="org-switcher" class="field-label">Organisation</label>
                <select id="org-switcher" class="select" data-testid="org-switcher" value=${orgId || ''} onChange=${(e) => onOrgChange(e.currentTarget.value)}>
                  <option value="">All clients</option>
                  ${orgs.filter((o) => o.kind !== 'agency').map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
                </select>
              </div>
            `
          : null}
        <nav class="nav" aria-label="Main">
          <ul class="nav-list">
            ${routes.map(
              (route, i) => html`
                <li key=${route.key}>
                  <a ref=${i === 0 ? firstLink : undefined} href=${route.path} class="nav-link" data-testid=${`nav-${route.key}`} aria-current=${route.key === activeKey ? 'page' : undefined} onClick=${() => setDrawer(false)}>
                    <${Icon} name=${route.icon} /><span>${route.label}</span>
                    ${route.key === 'messages' && unreadThreads
                      ? html`<span class="nav-count" data-testid="nav-messages-unread"><span aria-hidden="true">${unreadThreads > 99 ? '99+' : unreadThreads}</span><span class="visually-hidden">, ${unreadThreads} unread</span></span>`
                      : null}
                  </a>
                </li>
              `,
            )}
          </ul>
        </nav>
        <p class="sidebar-foot">${staff ? 'Agency workspace' : user.orgName || ''}</p>
      </aside>
      <main id="main" class="main" tabindex="-1" inert=${drawer}>${children}<${LiveNotice} /></main>
    </div>
  `;
}
