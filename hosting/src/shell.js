// The signed-in frame: header (brand, user, sign-out), navigation (a drawer on
// small screens) and, for staff, the organisation switcher.

import { h, icon } from './dom.js';
import { visibleRoutes } from './routes.js';
import { ROLE_LABELS, displayName, initials, isStaff, selectedOrgId, session } from './state.js';

export const PORTAL_NAME = 'Client Portal';

export function createShell({ onLogout, onOrgChange }) {
  const user = session.user;
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });

  // Navigation
  const links = new Map();
  const navList = h(
    'ul',
    { class: 'nav-list' },
    visibleRoutes(user).map((route) => {
      const a = h('a', { href: route.path, class: 'nav-link', 'data-testid': `nav-${route.key}` }, icon(route.icon), h('span', null, route.label));
      links.set(route.key, a);
      return h('li', null, a);
    }),
  );

  // Organisation switcher (staff only)
  let switcher = null;
  let select = null;
  if (isStaff(user)) {
    select = h(
      'select',
      { id: 'org-switcher', class: 'select', 'data-testid': 'org-switcher', onChange: (e) => onOrgChange(e.target.value) },
      h('option', { value: '' }, 'All clients'),
      session.orgs.filter((o) => o.kind !== 'agency').map((o) => h('option', { value: o.id }, o.name)),
    );
    select.value = selectedOrgId();
    switcher = h('div', { class: 'org-switcher' }, h('label', { for: 'org-switcher', class: 'field-label' }, 'Organisation'), select);
  }

  const closeBtn = h('button', { type: 'button', class: 'icon-btn drawer-close', 'aria-label': 'Close menu', onClick: () => setDrawer(false) }, icon('close'));
  const sidebar = h(
    'aside',
    { id: 'sidebar', class: 'sidebar', 'aria-label': 'Navigation' },
    h('div', { class: 'drawer-head' }, h('span', { class: 'brand-name' }, PORTAL_NAME), closeBtn),
    switcher,
    h('nav', { class: 'nav', 'aria-label': 'Main' }, navList),
    h('p', { class: 'sidebar-foot' }, isStaff(user) ? 'Agency workspace' : user.orgName || ''),
  );
  const backdrop = h('div', { class: 'backdrop', onClick: () => setDrawer(false) });

  const menuBtn = h(
    'button',
    { type: 'button', class: 'icon-btn menu-btn', 'aria-label': 'Open menu', 'aria-expanded': 'false', 'aria-controls': 'sidebar', onClick: () => setDrawer(!document.body.classList.contains('drawer-open')) },
    icon('menu'),
  );

  const mobile = window.matchMedia('(max-width: 860px)');
  function setDrawer(open) {
    open = open && mobile.matches;
    document.body.classList.toggle('drawer-open', open);
    // Keep keyboard and screen-reader focus inside the open drawer.
    main.inert = open;
    header.inert = open;
    menuBtn.setAttribute('aria-expanded', String(open));
    menuBtn.setAttribute('aria-label', open ? 'Close menu' : 'Open menu');
    if (open) (links.values().next().value || closeBtn).focus();
  }
  const onKey = (e) => {
    if (e.key === 'Escape' && document.body.classList.contains('drawer-open')) {
      setDrawer(false);
      menuBtn.focus();
    }
  };
  document.addEventListener('keydown', onKey);
  const onMedia = () => {
    if (!mobile.matches) setDrawer(false);
  };
  mobile.addEventListener('change', onMedia);
  navList.addEventListener('click', (e) => {
    if (e.target instanceof Element && e.target.closest('a')) setDrawer(false);
  });

  const roleLine = [ROLE_LABELS[user.role] || user.role, user.orgName].filter(Boolean).join(' · ');
  const userMenu = h(
    'div',
    { class: 'user-menu', 'data-testid': 'user-menu' },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(user)),
    h('span', { class: 'user-text' }, h('span', { class: 'user-name' }, displayName(user)), h('span', { class: 'user-email' }, user.email), h('span', { class: 'user-role' }, roleLine)),
  );
  const logoutBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'logout', onClick: (e) => onLogout(e.currentTarget) }, icon('logout'), h('span', null, 'Sign out'));

  const header = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'topbar-row' }, menuBtn, h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'P'), h('span', { class: 'brand-name' }, PORTAL_NAME)), h('div', { class: 'topbar-spacer' }), logoutBtn),
    userMenu,
  );

  const root = h('div', { class: 'shell' }, h('a', { href: '#main', class: 'skip-link', 'data-external': '' }, 'Skip to content'), header, backdrop, sidebar, main);

  return {
    root,
    main,
    setActive(key) {
      for (const [k, a] of links) {
        if (k === key) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
    closeDrawer: () => setDrawer(false),
    /** Reflect an organisation chosen from a page (not the switcher) in the switcher. */
    setOrg(id) {
      if (select) select.value = id || '';
    },
    destroy() {
      document.removeEventListener('keydown', onKey);
      mobile.removeEventListener('change', onMedia);
      document.body.classList.remove('drawer-open');
      root.remove();
    },
  };
}
