// Dashboard: a summary of the organisation's projects (or every client's, for staff).

import { h, mount } from '../dom.js';
import { STATUS_LABELS, projectCard } from '../project-card.js';
import { displayName } from '../state.js';
import { emptyState, errorState, formatDate, isPast, pageHeader, skeleton } from '../ui.js';

const ORDER = { review: 0, active: 1, planning: 2, paused: 3, completed: 4 };

function scopeLabel(ctx) {
  if (!ctx.isStaff) return ctx.user.orgName || 'Your organisation';
  return ctx.org ? ctx.org.name : 'all your clients';
}

function stat(label, value, tone) {
  return h('div', { class: `stat stat-${tone}` }, h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, label));
}

export async function render(container, ctx) {
  const first = (ctx.user.profile && ctx.user.profile.firstName) || displayName(ctx.user);
  const body = h('div', { class: 'page-body' });
  mount(container, pageHeader('Dashboard', `Welcome back, ${first}. Here is where things stand for ${scopeLabel(ctx)}.`), body);

  async function load() {
    mount(body, skeleton('cards', 3, 'Loading projects…'));
    let data;
    try {
      data = await ctx.api.get('/api/projects', { query: { orgId: ctx.orgId, limit: 100 }, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      mount(body, errorState(err, load, 'Could not load your projects'));
      return;
    }
    if (ctx.signal.aborted) return;
    const projects = (data.items || []).slice().sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || a.name.localeCompare(b.name));
    if (!projects.length) {
      mount(body, emptyState('No projects yet', ctx.isStaff ? 'Projects for this selection will appear here once they are created.' : 'Your projects will appear here as soon as the agency starts one with you.', 'projects'));
      return;
    }
    const count = (s) => projects.filter((p) => p.status === s).length;
    const open = projects.filter((p) => p.status !== 'completed');
    const upcoming = projects
      .flatMap((p) => (p.milestones || []).filter((m) => !m.done && m.due).map((m) => ({ ...m, project: p })))
      .sort((a, b) => String(a.due).localeCompare(String(b.due)))
      .slice(0, 5);

    mount(
      body,
      h('section', { class: 'stats', 'aria-label': 'Project counts' }, stat('Active', count('active'), 'accent'), stat(STATUS_LABELS.review, count('review'), 'warning'), stat('Planning', count('planning'), 'neutral'), stat('Completed', count('completed'), 'success')),
      h(
        'div',
        { class: 'dash-grid' },
        h(
          'section',
          { class: 'dash-main', 'aria-labelledby': 'dash-projects' },
          h('div', { class: 'section-head' }, h('h2', { id: 'dash-projects', class: 'section-title' }, 'Projects'), h('a', { href: '/projects', class: 'link' }, 'View all')),
          h('div', { class: 'card-grid' }, (open.length ? open : projects).map((p) => projectCard(p, { showOrg: ctx.isStaff && !ctx.orgId }))),
          open.length && open.length < projects.length ? h('p', { class: 'muted small' }, `${projects.length - open.length} completed project${projects.length - open.length === 1 ? '' : 's'} not shown. `, h('a', { href: '/projects?status=completed', class: 'link' }, 'See completed')) : null,
          data.nextCursor ? h('p', { class: 'muted small' }, 'Showing the first 100 projects. ', h('a', { href: '/projects', class: 'link' }, 'See all projects')) : null,
        ),
        h(
          'section',
          { class: 'card dash-side', 'aria-labelledby': 'dash-upcoming' },
          h('h2', { id: 'dash-upcoming', class: 'section-title' }, 'Coming up'),
          upcoming.length
            ? h(
                'ul',
                { class: 'upcoming' },
                upcoming.map((m) =>
                  h(
                    'li',
                    null,
                    h('span', { class: `upcoming-date${isPast(m.due) ? ' overdue' : ''}` }, formatDate(m.due)),
                    h('span', { class: 'upcoming-text' }, h('span', { class: 'upcoming-title' }, m.title), h('span', { class: 'muted small' }, ctx.isStaff && !ctx.orgId && m.project.orgName ? `${m.project.orgName} · ${m.project.name}` : m.project.name)),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'No open milestones with a due date.'),
        ),
      ),
    );
  }

  await load();
}
