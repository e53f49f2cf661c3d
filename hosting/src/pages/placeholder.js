// The shared "not built yet" view for features that arrive later.

import { h, mount } from '../dom.js';
import { emptyState, pageHeader } from '../ui.js';

export function comingSoon(container, ctx, { title, icon, text }) {
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All clients') : ctx.user.orgName;
  mount(container, pageHeader(title, scope), h('div', { class: 'card' }, emptyState('Nothing here yet', text, icon)));
}
