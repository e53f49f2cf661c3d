// The shared "not built yet" view for features that arrive later.

import { html } from '../html.js';
import { EmptyState, PageHeader } from '../ui.js';

export function ComingSoon({ ctx, title, icon, text }) {
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All clients') : ctx.user.orgName;
  return html`<${PageHeader} title=${title} subtitle=${scope} /><div class="card"><${EmptyState} title="Nothing here yet" text=${text} icon=${icon} /></div>`;
}
