// Bookings: not built yet. This module's render(container, ctx) is where the
// feature goes; ctx has user, api, isStaff, orgId, org, orgs, signal, query,
// navigate and refresh.

import { comingSoon } from './placeholder.js';

export function render(container, ctx) {
  comingSoon(container, ctx, {
    title: 'Bookings',
    icon: 'bookings',
    text: 'Upcoming and past meetings with the agency, and a way to book a new one, will appear here.',
  });
}
