// Messages: not built yet. This module's render(container, ctx) is where the
// feature goes; ctx has user, api, isStaff, orgId, org, orgs, signal, query,
// navigate and refresh.

import { comingSoon } from './placeholder.js';

export function render(container, ctx) {
  comingSoon(container, ctx, {
    title: 'Messages',
    icon: 'messages',
    text: 'Conversations with the agency team, by project or in general, will appear here.',
  });
}
