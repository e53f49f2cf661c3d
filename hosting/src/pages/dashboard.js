// Dashboard: what needs attention first (next actions, the billing alert), then
// upcoming meetings and the projects. One request: GET /api/dashboard; beside it, for those
// who read contracts, the contracts awaiting a signature (shown only when there are some).
// Clients (and staff who chose a client) get that organisation's view; staff with
// "All clients" get the agency's view, grouped by client, with what waits on the
// "Needs attention" page (failed deliveries, Whop events and meetings without a client) counted.

import { PROJECT_STATUS_LABELS } from '../constants.js';
import { ContractsCard } from '../contracts.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { useLive } from '../live.js';
import { Load, useResource } from '../load.js';
import { ProjectCard } from '../project-card.js';
import { can, displayName } from '../state.js';
import { Badge, EmptyState, PageHeader, dueLabel, formatDate, formatDateTime, plural } from '../ui.js';

const ORDER = { review: 0, active: 1, planning: 2, paused: 3, completed: 4 };
const KIND_LABELS = { payment_overdue: 'Payment', milestone_overdue: 'Overdue', milestone_due: 'Due soon', approval_needed: 'Approval', approval_overdue: 'Approval overdue' };

function scopeLabel(ctx) {
  if (!ctx.isStaff) return ctx.user.orgName || 'your organisation';
  return ctx.org ? ctx.org.name : 'all your clients';
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

function ActionItem({ action, agencyView }) {
  const overdue = action.severity === 'overdue' || action.kind === 'approval_overdue';
  const payment = action.kind === 'payment_overdue';
  const approval = action.kind === 'approval_needed' || action.kind === 'approval_overdue';
  const when = payment ? 'Update the payment method to keep work going' : action.due ? `${dueLabel(action.due)} · ${formatDate(action.due)}` : approval ? 'Waiting for your decision' : '';
  const iconName = payment ? 'billing' : approval ? 'approvals' : overdue ? 'alert' : 'clock';
  const cls = ['action', overdue ? 'is-overdue' : 'is-due', payment ? 'is-payment' : null, approval ? 'is-approval' : null].filter(Boolean).join(' ');
  return html`
    <li class=${cls} data-testid="next-action" data-kind=${action.kind} data-severity=${action.severity}>
      <span class="action-icon" aria-hidden="true"><${Icon} name=${iconName} /></span>
      <span class="action-text"><a href=${actionHref(action, agencyView)} class="action-link">${action.title}</a>${when ? html`<span class="action-when">${when}</span>` : null}</span>
      <${Badge} status=${overdue ? 'overdue' : approval ? 'active' : 'due_soon'} label=${KIND_LABELS[action.kind] || (overdue ? 'Overdue' : 'Due soon')} />
    </li>
  `;
}

function ActionList({ actions, agencyView = false, emptyText }) {
  if (!actions.length) return html`<p class="muted action-empty">${emptyText}</p>`;
  return html`<ul class="actions">${sortActions(actions).map((a, i) => html`<${ActionItem} key=${a.id || i} action=${a} agencyView=${agencyView} />`)}</ul>`;
}

export function BillingBanner({ alert }) {
  return html`
    <div class="banner banner-danger" role="alert" data-testid="billing-alert">
      <span class="banner-icon" aria-hidden="true"><${Icon} name="alert" /></span>
      <div class="banner-text">
        <strong>Payment past due</strong>
        <span>${alert.message || 'A payment is past due.'}</span>
        ${alert.since ? html`<span class="small">Since ${formatDate(alert.since)}</span>` : null}
      </div>
      ${alert.manageUrl
        ? html`<a href=${alert.manageUrl} class="btn btn-danger" rel="noopener" target="_blank" data-testid="billing-alert-pay">Pay now / update payment method<${Icon} name="external" /></a>`
        : html`<a href="/billing" class="btn btn-secondary">Open billing</a>`}
    </div>
  `;
}

function Meetings({ bookings }) {
  const items = (bookings || []).slice().sort((a, b) => String(a.start || '').localeCompare(String(b.start || '')));
  return html`
    <section class="card dash-side-card" aria-labelledby="dash-meetings" data-testid="upcoming-meetings">
      <h2 id="dash-meetings" class="section-title">Upcoming meetings</h2>
      ${items.length
        ? html`<ul class="upcoming">
            ${items.map(
              (b, i) => html`<li key=${b.id || i} data-testid="meeting">
                <span class="upcoming-date">${formatDateTime(b.start)}</span>
                <span class="upcoming-text"><span class="upcoming-title">${b.title || 'Meeting'}</span>${b.orgName ? html`<span class="muted small">${b.orgName}</span>` : null}</span>
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">No upcoming meetings</p>`}
    </section>
  `;
}

function Stat({ label, value, tone }) {
  return html`<div class=${`stat stat-${tone}`}><span class="stat-value">${String(value ?? 0)}</span><span class="stat-label">${label}</span></div>`;
}

function Counts({ counts }) {
  return html`
    <section class="stats" aria-label="Project counts">
      <${Stat} label="Active" value=${counts.active} tone="accent" />
      <${Stat} label=${PROJECT_STATUS_LABELS.review} value=${counts.review} tone="warning" />
      <${Stat} label="Planning" value=${counts.planning} tone="neutral" />
      <${Stat} label="Completed" value=${counts.completed} tone="success" />
    </section>
  `;
}

function countsLine(counts) {
  const parts = ['active', 'review', 'planning', 'paused'].filter((s) => counts && counts[s]).map((s) => `${counts[s]} ${PROJECT_STATUS_LABELS[s].toLowerCase()}`);
  return parts.length ? parts.join(' · ') : 'No open projects';
}

function OrgView({ data, isStaff, api, orgId }) {
  const projects = (data.projects || []).slice().sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || a.name.localeCompare(b.name));
  const open = projects.filter((p) => p.status !== 'completed');
  const shown = open.length ? open : projects;
  const completed = projects.length - open.length;
  const actions = data.nextActions || [];
  return html`
    ${data.billingAlert ? html`<${BillingBanner} alert=${data.billingAlert} />` : null}
    <div class="dash-grid">
      <div class="dash-main">
        <section class="card dash-actions" aria-labelledby="dash-actions">
          <div class="section-head"><h2 id="dash-actions" class="section-title">Next actions</h2>${actions.length ? html`<span class="muted small">${plural(actions.length, 'item')}</span>` : null}</div>
          <${ActionList} actions=${actions} emptyText="Nothing needs your attention right now." />
        </section>
        <section class="dash-projects" aria-labelledby="dash-projects">
          <div class="section-head"><h2 id="dash-projects" class="section-title">Projects</h2><a href="/projects" class="link">View all</a></div>
          ${shown.length
            ? html`<div class="card-grid">${shown.map((p) => html`<${ProjectCard} key=${p.id} project=${p} />`)}</div>`
            : html`<div class="card"><${EmptyState} title="No projects yet" text=${isStaff ? 'Projects for this client will appear here once they are created.' : 'Your projects will appear here as soon as the agency starts one with you.'} icon="projects" /></div>`}
          ${open.length && completed ? html`<p class="muted small">${plural(completed, 'completed project')} not shown. <a href="/projects?status=completed" class="link">See completed</a></p>` : null}
        </section>
      </div>
      <aside class="dash-side" aria-label="Overview">
        ${can('contracts.read') ? html`<${ContractsCard} api=${api} orgId=${orgId} title="Contracts to sign" showProject=${true} signer=${!isStaff} onlyAwaiting=${true} hideWhenEmpty=${true} testid="dash-contracts" />` : null}
        <${Meetings} bookings=${data.upcomingBookings} /><${Counts} counts=${data.counts || {}} />
      </aside>
    </div>
  `;
}

function ClientGroup({ client, selectOrg }) {
  const pastDue = client.billingStatus === 'past_due';
  return html`
    <section class=${`card client-group${pastDue ? ' is-past-due' : ''}`} data-testid="client-group" data-org-id=${client.orgId} aria-label=${client.orgName}>
      <div class="client-group-head">
        <div class="client-group-titles"><h3 class="client-name">${client.orgName}</h3><p class="muted small">${countsLine(client.counts)}</p></div>
        <div class="client-group-badges">
          ${pastDue ? html`<span class="badge badge-danger" data-testid="past-due-badge">Past due</span>` : null}
          <button type="button" class="btn btn-secondary btn-sm" data-testid="client-open" onClick=${() => selectOrg(client.orgId, '/')}>Open ${client.orgName}</button>
        </div>
      </div>
      <${ActionList} actions=${client.nextActions || []} agencyView=${true} emptyText="Nothing due in the next two weeks." />
    </section>
  `;
}

const ATTENTION = [
  ['failedDeliveries', 'failed delivery', 'failed deliveries'],
  ['unmatchedBilling', 'Whop event without a client', 'Whop events without a client'],
  ['unmatchedBookings', 'meeting without a client', 'meetings without a client'],
];

/** What waits on the "Needs attention" page, counted (the agency's view; staff only). */
function AttentionCard({ counts }) {
  const shown = ATTENTION.filter(([key]) => counts[key] !== undefined && counts[key] !== null);
  const total = shown.reduce((sum, [key]) => sum + counts[key], 0);
  return html`
    <section class=${`card dash-side-card attention-card${total ? ' has-items' : ''}`} aria-labelledby="dash-attention" data-testid="attention-card" data-total=${String(total)}>
      <div class="section-head"><h2 id="dash-attention" class="section-title">Needs attention</h2>${total ? html`<span class="badge badge-danger" data-testid="attention-total">${plural(total, 'item')}</span>` : null}</div>
      ${total
        ? html`<ul class="attention-counts">
            ${shown.filter(([key]) => counts[key]).map(([key, one, many]) => html`<li key=${key} data-testid=${`attention-count-${key}`}><strong>${counts[key]}</strong> ${counts[key] === 1 ? one : many}</li>`)}
          </ul>`
        : html`<p class="muted small">Nothing waits for staff: every delivery went out, and every Whop event and meeting found its client.</p>`}
      <a href="/attention" class="link" data-testid="attention-link">Open Needs attention</a>
    </section>
  `;
}

function AgencyView({ data, selectOrg }) {
  const clients = (data.clients || []).slice();
  const score = (c) => (c.billingStatus === 'past_due' ? 0 : (c.nextActions || []).some((a) => a.severity === 'overdue') ? 1 : (c.nextActions || []).length ? 2 : 3);
  clients.sort((a, b) => score(a) - score(b) || String(a.orgName).localeCompare(String(b.orgName)));
  const total = (data.nextActions || []).length;
  return html`
    <div class="dash-grid">
      <div class="dash-main">
        <div class="section-head"><h2 class="section-title">Needs attention, by client</h2><span class="muted small">${plural(total, 'item')} across ${plural(clients.length, 'client')}</span></div>
        ${clients.length
          ? html`<div class="client-groups">${clients.map((c) => html`<${ClientGroup} key=${c.orgId} client=${c} selectOrg=${selectOrg} />`)}</div>`
          : html`<div class="card"><${EmptyState} title="No clients yet" text="Client organisations appear here once they have projects." icon="team" /></div>`}
      </div>
      <aside class="dash-side" aria-label="Overview">
        ${data.attention ? html`<${AttentionCard} counts=${data.attention} />` : null}
        <${Meetings} bookings=${data.upcomingBookings} />
      </aside>
    </div>
  `;
}

export default function DashboardPage(ctx) {
  const first = (ctx.user.profile && ctx.user.profile.firstName) || displayName(ctx.user);
  const dashboard = useResource((signal) => ctx.api.get('/api/dashboard', { query: { orgId: ctx.orgId }, signal }), [ctx.orgId]);
  useLive('dashboard', dashboard.reload); // its summary was recomputed
  return html`
    <${PageHeader} title="Dashboard" subtitle=${`Welcome back, ${first}. Here is what needs attention for ${scopeLabel(ctx)}.`} />
    <div class="page-body">
      <${Load} resource=${dashboard} skeleton=${{ kind: 'cards', count: 3, label: 'Loading your dashboard…' }} errorTitle="Could not load your dashboard">
        ${(data) => (data.scope === 'agency' ? html`<${AgencyView} data=${data} selectOrg=${ctx.selectOrg} />` : html`<${OrgView} data=${data} isStaff=${ctx.isStaff} api=${ctx.api} orgId=${ctx.isStaff ? ctx.orgId : ctx.user.orgId} />`)}
      <//>
    </div>
  `;
}
