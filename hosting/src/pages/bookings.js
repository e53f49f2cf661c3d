// Bookings: not built yet. This module's default export is the page component; its
// props are the page context: user, api, isStaff, orgId, org, orgs, query, params,
// navigate, selectOrg and refresh (see hosting/README.md).

import { html } from '../html.js';
import { ComingSoon } from './placeholder.js';

export default function BookingsPage(ctx) {
  return html`<${ComingSoon} ctx=${ctx} title="Bookings" icon="bookings" text="Upcoming and past meetings with the agency, and a way to book a new one, will appear here." />`;
}
