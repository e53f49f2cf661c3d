// Billing: not built yet. This module's render(container, ctx) is where the
// feature goes; ctx has user, api, isStaff, orgId, org, orgs, signal, query,
// navigate and refresh.

import { comingSoon } from './placeholder.js';

export function render(container, ctx) {
  comingSoon(container, ctx, {
    title: 'Billing',
    icon: 'billing',
    text: 'Your plan, its status, the next payment date and your payment history and invoices will appear here.',
  });
}
