// Dashboard: what needs attention first (next actions, the billing alert), then
// upcoming meetings and the projects. One request: GET /api/dashboard.
// Clients (and staff who chose a client) get that organisation's view; staff with
// "All clients" get the agency's view, grouped by client.

import { h, icon, mount } from '../dom.js';
import { STATUS_LABELS, projectCard } from '../project-card.js';
import { displayName } from '../state.js';
import { badge, dueLabel, emptyState, errorState, formatDate, formatDateTime, pageHeader, skeleton } from '../ui.js';

const ORDER = { review: 0, active: 1, planning: 2, paused: 3, completed: 4 };
const KIND_LABELS = { payment_overdue: 'Payment', milestone_overdue: 'Overdue', milestone_due: 'Due soon', approval_needed: 'Approval', approval_overdue: 'Approval overdue' };

function scopeLabel(ctx) {
  if (!ctx.isStaff) return ctx.user.orgName || 'your organisation';
  return ctx.org ? ctx.org.name : 'all your clients';
}

function stat(label, value, tone) {
  return h('div', { class: `stat stat-${tone}` }, h('span', { class: 'stat-value' }, String(value ?? 0)), h('span', { class: 'stat-label' }, label));
}

/** Payment first, then overdue items, then by due date (undated last). */
export function sortActions(actions) {
  const rank = (a) => (a.kind === 'payment_overdue' ? 0 : a.severity === 'overdue' || a.kind === 'approval_overdue' ? 1 : 2);
  const due = (a) => String(a.due || '9999-99-99'); // undated (waiting approvals) after dated ones
  return actions.slice().sort((a, b) => rank(a) - rank(b) || due(a).localeCompare(due(b)));
}

/** Staff in the agency view look at a client's billing through ?orgId=. */
function actionHref(action, agencyView) {
  if (agencyView && action.link === '/billing' && action.orgId) return `/billing?orgId=${encodeURIComponent(action.orgId)}`;
  return action.link || '/';
}

function actionItem(action, { agencyView = false } = {}) {
  const overdue = action.severity === 'overdue' || action.kind === 'approval_overdue';
  const payment = action.kind === 'payment_overdue';
  const approval = action.kind === 'approval_needed' || action.kind === 'approval_overdue';
  const when = payment
    ? 'Update the payment method to keep work going'
    : action.due
      ? `${dueLabel(action.due)} · ${formatDate(action.due)}`
      : approval
        ? 'Waiting for your decision'
        : '';
  const iconName = payment ? 'billing' : approval ? 'approvals' : overdue ? 'alert' : 'clock';
  return h(
    'li',
    { class: ['action', overdue ? 'is-overdue' : 'is-due', payment ? 'is-payment' : null, approval ? 'is-approval' : null], 'data-testid': 'next-action', 'data-kind': action.kind, 'data-severity': action.severity },
    h('span', { class: 'action-icon', 'aria-hidden': 'true' }, icon(iconName)),
    h('span', { class: 'action-text' }, h('a', { href: actionHref(action, agencyView), class: 'action-link' }, action.title), when ? h('span', { class: 'action-when' }, when) : null),
    badge(overdue ? 'overdue' : approval ? 'active' : 'due_soon', KIND_LABELS[action.kind] || (overdue ? 'Overdue' : 'Due soon')),
  );
}

function actionList(actions, opts, emptyText) {
  if (!actions.length) return h('p', { class: 'muted action-empty' }, emptyText);
  return h('ul', { class: 'actions' }, sortActions(actions).map((a) => actionItem(a, opts)));
}

function billingBanner(alert) {
  return h(
    'div',
    { class: 'banner banner-danger', role: 'alert', 'data-testid': 'billing-alert' },
    h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, icon('alert')),
    h(
      'div',
      { class: 'banner-text' },
      h('strong', null, 'Payment past due'),
      h('span', null, alert.message || 'A payment is past due.'),
      alert.since ? h('span', { class: 'small' }, `Since ${formatDate(alert.since)}`) : null,
    ),
    alert.manageUrl
      ? h('a', { href: alert.manageUrl, class: 'btn btn-danger', rel: 'noopener', target: '_blank', 'data-testid': 'billing-alert-pay' }, 'Pay now / update payment method', icon('external'))
      : h('a', { href: '/billing', class: 'btn btn-secondary' }, 'Open billing'),
  );
}

function meetingsSection(bookings) {
  const items = (bookings || []).slice().sort((a, b) => String(a.start || '').localeCompare(String(b.start || '')));
  return h(
    'section',
    { class: 'card dash-side-card', 'aria-labelledby': 'dash-meetings', 'data-testid': 'upcoming-meetings' },
    h('h2', { id: 'dash-meetings', class: 'section-title' }, 'Upcoming meetings'),
    items.length
      ? h(
          'ul',
          { class: 'upcoming' },
          items.map((b) =>
            h(
              'li',
              { 'data-testid': 'meeting' },
              h('span', { class: 'upcoming-date' }, formatDateTime(b.start)),
              h('span', { class: 'upcoming-text' }, h('span', { class: 'upcoming-title' }, b.title || 'Meeting'), b.orgName ? h('span', { class: 'muted small' }, b.orgName) : null),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No meetings in the next 7 days'),
  );
}

function countsSection(counts) {
  return h(
    'section',
    { class: 'stats', 'aria-label': 'Project counts' },
    stat('Active', counts.active, 'accent'),
    stat(STATUS_LABELS.review, counts.review, 'warning'),
    stat('Planning', counts.planning, 'neutral'),
    stat('Completed', counts.completed, 'success'),
  );
}

function countsLine(counts) {
  const parts = ['active', 'review', 'planning', 'paused']
    .filter((s) => counts && counts[s])
    .map((s) => `${counts[s]} ${STATUS_LABELS[s].toLowerCase()}`);
  return parts.length ? parts.join(' · ') : 'No open projects';
}

export async function render(container, ctx) {
  const first = (ctx.user.profile && ctx.user.profile.firstName) || displayName(ctx.user);
  const body = h('div', { class: 'page-body' });
  mount(container, pageHeader('Dashboard', `Welcome back, ${first}. Here is what needs attention for ${scopeLabel(ctx)}.`), body);

  async function load() {
    mount(body, skeleton('cards', 3, 'Loading your dashboard…'));
    let data;
    try {
      data = await ctx.api.get('/api/dashboard', { query: { orgId: ctx.orgId }, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      mount(body, errorState(err, load, 'Could not load your dashboard'));
      return;
    }
    if (ctx.signal.aborted) return;
    if (data.scope === 'agency') mount(body, agencyView(data));
    else mount(body, orgView(data));
  }

  function orgView(data) {
    const projects = (data.projects || []).slice().sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || a.name.localeCompare(b.name));
    const open = projects.filter((p) => p.status !== 'completed');
    const shown = open.length ? open : projects;
    const completed = projects.length - open.length;
    const actions = data.nextActions || [];
    return [
      data.billingAlert ? billingBanner(data.billingAlert) : null,
      h(
        'div',
        { class: 'dash-grid' },
        h(
          'div',
          { class: 'dash-main' },
          h(
            'section',
            { class: 'card dash-actions', 'aria-labelledby': 'dash-actions' },
            h('div', { class: 'section-head' }, h('h2', { id: 'dash-actions', class: 'section-title' }, 'Next actions'), actions.length ? h('span', { class: 'muted small' }, `${actions.length} item${actions.length === 1 ? '' : 's'}`) : null),
            actionList(actions, {}, 'Nothing needs your attention right now.'),
          ),
          h(
            'section',
            { class: 'dash-projects', 'aria-labelledby': 'dash-projects' },
            h('div', { class: 'section-head' }, h('h2', { id: 'dash-projects', class: 'section-title' }, 'Projects'), h('a', { href: '/projects', class: 'link' }, 'View all')),
            shown.length
              ? h('div', { class: 'card-grid' }, shown.map((p) => projectCard(p)))
              : h('div', { class: 'card' }, emptyState('No projects yet', ctx.isStaff ? 'Projects for this client will appear here once they are created.' : 'Your projects will appear here as soon as the agency starts one with you.', 'projects')),
            open.length && completed ? h('p', { class: 'muted small' }, `${completed} completed project${completed === 1 ? '' : 's'} not shown. `, h('a', { href: '/projects?status=completed', class: 'link' }, 'See completed')) : null,
          ),
        ),
        h('aside', { class: 'dash-side', 'aria-label': 'Overview' }, meetingsSection(data.upcomingBookings), countsSection(data.counts || {})),
      ),
    ];
  }

  function agencyView(data) {
    const clients = (data.clients || []).slice();
    const score = (c) => (c.billingStatus === 'past_due' ? 0 : (c.nextActions || []).some((a) => a.severity === 'overdue') ? 1 : (c.nextActions || []).length ? 2 : 3);
    clients.sort((a, b) => score(a) - score(b) || String(a.orgName).localeCompare(String(b.orgName)));
    const total = (data.nextActions || []).length;
    return h(
      'div',
      { class: 'dash-grid' },
      h(
        'div',
        { class: 'dash-main' },
        h('div', { class: 'section-head' }, h('h2', { class: 'section-title' }, 'Needs attention, by client'), h('span', { class: 'muted small' }, `${total} item${total === 1 ? '' : 's'} across ${clients.length} client${clients.length === 1 ? '' : 's'}`)),
        clients.length
          ? h('div', { class: 'client-groups' }, clients.map(clientGroup))
          : h('div', { class: 'card' }, emptyState('No clients yet', 'Client organisations appear here once they have projects.', 'team')),
      ),
      h('aside', { class: 'dash-side', 'aria-label': 'Overview' }, meetingsSection(data.upcomingBookings)),
    );
  }

  function clientGroup(client) {
    const pastDue = client.billingStatus === 'past_due';
    const open = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'client-open' }, `Open ${client.orgName}`);
    open.addEventListener('click', () => ctx.selectOrg(client.orgId, '/'));
    return h(
      'section',
      { class: ['card', 'client-group', pastDue ? 'is-past-due' : null], 'data-testid': 'client-group', 'data-org-id': client.orgId, 'aria-label': client.orgName },
      h(
        'div',
        { class: 'client-group-head' },
        h('div', { class: 'client-group-titles' }, h('h3', { class: 'client-name' }, client.orgName), h('p', { class: 'muted small' }, countsLine(client.counts))),
        h('div', { class: 'client-group-badges' }, pastDue ? h('span', { class: 'badge badge-danger', 'data-testid': 'past-due-badge' }, 'Past due') : null, open),
      ),
      actionList(client.nextActions || [], { agencyView: true }, 'Nothing due in the next two weeks.'),
    );
  }

  await load();
}
