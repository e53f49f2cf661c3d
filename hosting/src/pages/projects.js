// Projects: every project in scope, filterable by status, paged with a cursor.

import { useState } from 'preact/hooks';
import { PROJECT_STATUSES, PROJECT_STATUS_LABELS } from '../constants.js';
import { html } from '../html.js';
import { Load, LoadMore, usePages } from '../load.js';
import { ProjectCard } from '../project-card.js';
import { setQuery } from '../router.js';
import { can } from '../state.js';
import { EmptyState, PageHeader } from '../ui.js';

export default function ProjectsPage(ctx) {
  const [status, setStatus] = useState(PROJECT_STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '');
  const pages = usePages((cursor, signal) => ctx.api.get('/api/projects', { query: { orgId: ctx.orgId, status, cursor, limit: 24 }, signal }), [status, ctx.orgId]);
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All client organisations') : ctx.user.orgName;
  const choose = (e) => {
    setStatus(e.currentTarget.value);
    setQuery({ status: e.currentTarget.value });
  };
  return html`
    <${PageHeader} title="Projects" subtitle=${scope} actions=${can('projects.create') && ctx.isStaff ? html`<a href="/projects/new" class="btn btn-primary" data-testid="project-new">New project</a>` : null} />
    <div class="toolbar">
      <div class="filter">
        <label for="project-status" class="field-label">Status</label>
        <select id="project-status" class="select" data-testid="project-status-filter" value=${status} onChange=${choose}>
          <option value="">All statuses</option>
          ${PROJECT_STATUSES.map((s) => html`<option key=${s} value=${s}>${PROJECT_STATUS_LABELS[s]}</option>`)}
        </select>
      </div>
    </div>
    <div class="page-body">
      <${Load}
        resource=${pages}
        skeleton=${{ kind: 'cards', count: 6, label: 'Loading projects…' }}
        errorTitle="Could not load projects"
        isEmpty=${(d) => !d.items.length}
        empty=${html`<${EmptyState}
          title=${status ? `No ${PROJECT_STATUS_LABELS[status].toLowerCase()} projects` : 'No projects yet'}
          text=${status ? 'Try another status, or show all statuses.' : 'Projects will appear here as soon as the agency starts one.'}
          icon="projects"
        />`}
      >
        ${(data) => html`
          <p class="visually-hidden" role="status">${data.items.length} projects shown</p>
          <div class="card-grid">${data.items.map((p) => html`<${ProjectCard} key=${p.id} project=${p} showOrg=${ctx.isStaff && !ctx.orgId} detailed=${true} level=${2} />`)}</div>
          <${LoadMore} pages=${pages} label="Load more projects" />
        `}
      <//>
    </div>
  `;
}
