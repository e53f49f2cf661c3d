// Approvals: not built yet. This module's render(container, ctx) is where the
// feature goes; ctx has user, api, isStaff, orgId, org, orgs, signal, query,
// navigate and refresh.

import { comingSoon } from './placeholder.js';

export function render(container, ctx) {
  comingSoon(container, ctx, {
    title: 'Approvals',
    icon: 'approvals',
    text: 'Designs, copy, video, audio and strategy work waiting for a decision will appear here, with their versions, comments and decision history.',
  });
}
