// Projects: every project in scope, filterable by status, paged with a cursor.

import { h, mount } from '../dom.js';
import { STATUSES, STATUS_LABELS, projectCard } from '../project-card.js';
import { setQuery } from '../router.js';
import { busy, emptyState, errorState, inlineError, pageHeader, skeleton } from '../ui.js';

export async function render(container, ctx) {
  let status = STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '';
  const select = h(
    'select',
    { id: 'project-status', class: 'select', 'data-testid': 'project-status-filter' },
    h('option', { value: '' }, 'All statuses'),
    STATUSES.map((s) => h('option', { value: s }, STATUS_LABELS[s])),
  );
  select.value = status;
  select.addEventListener('change', () => {
    status = select.value;
    setQuery({ status });
    load();
  });
  const filter = h('div', { class: 'filter' }, h('label', { for: 'project-status', class: 'field-label' }, 'Status'), select);
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All client organisations') : ctx.user.orgName;
  const body = h('div', { class: 'page-body' });
  mount(container, pageHeader('Projects', scope), h('div', { class: 'toolbar' }, filter), body);

  let generation = 0;
  async function load() {
    const mine = ++generation;
    mount(body, skeleton('cards', 6, 'Loading projects…'));
    let data;
    try {
      data = await fetchPage(null);
    } catch (err) {
      if (ctx.signal.aborted || mine !== generation) return;
      mount(body, errorState(err, load, 'Could not load projects'));
      return;
    }
    if (ctx.signal.aborted || mine !== generation) return;
    if (!data.items.length) {
      mount(body, emptyState(status ? `No ${STATUS_LABELS[status].toLowerCase()} projects` : 'No projects yet', status ? 'Try another status, or show all statuses.' : 'Projects will appear here as soon as the agency starts one.', 'projects'));
      return;
    }
    const grid = h('div', { class: 'card-grid' });
    const more = h('div', { class: 'load-more' });
    mount(body, h('p', { class: 'visually-hidden', role: 'status' }, `${data.items.length} projects shown`), grid, more);
    addPage(grid, more, data, mine);
  }

  function fetchPage(cursor) {
    return ctx.api.get('/api/projects', { query: { orgId: ctx.orgId, status, cursor, limit: 24 }, signal: ctx.signal });
  }

  function addPage(grid, more, data, mine) {
    for (const p of data.items) grid.append(projectCard(p, { showOrg: ctx.isStaff && !ctx.orgId, detailed: true }));
    more.replaceChildren();
    if (!data.nextCursor) return;
    const button = h('button', { type: 'button', class: 'btn btn-secondary' }, 'Load more projects');
    button.addEventListener('click', async () => {
      const restore = busy(button, 'Loading…');
      try {
        const next = await fetchPage(data.nextCursor);
        if (ctx.signal.aborted || mine !== generation) return;
        addPage(grid, more, next, mine);
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        more.prepend(inlineError(err.message));
      }
    });
    more.append(button);
  }

  await load();
}
