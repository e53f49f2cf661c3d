// Messages: not built yet. This module's default export is the page component; its
// props are the page context: user, api, isStaff, orgId, org, orgs, query, params,
// navigate, selectOrg and refresh (see hosting/README.md).

import { html } from '../html.js';
import { ComingSoon } from './placeholder.js';

export default function MessagesPage(ctx) {
  return html`<${ComingSoon} ctx=${ctx} title="Messages" icon="messages" text="Conversations with the agency team, by project or in general, will appear here." />`;
}
