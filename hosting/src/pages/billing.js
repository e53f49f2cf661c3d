// Billing: the plan and its status, the next charge, the pay / update link, the
// payment history with receipts, and when it was last synced from Whop. Client
// owners see their organisation; staff see the client chosen in the switcher (or
// ?orgId=, from the agency dashboard); admins can sync from Whop now.

import { h, icon, mount } from '../dom.js';
import { badge, busy, emptyState, errorState, formatDate, formatMoney, pageHeader, relativeSeconds, skeleton, timeAgo, toast } from '../ui.js';

const STATUS_LABELS = { active: 'Active', past_due: 'Past due', canceled: 'Canceled', paused: 'Paused' };
const STATUS_TONES = { active: 'completed', past_due: 'past_due', canceled: 'canceled', paused: 'paused' };
const PAYMENT_LABELS = { paid: 'Paid', succeeded: 'Paid', open: 'Open', failed: 'Failed', refunded: 'Refunded', pending: 'Pending', draft: 'Draft', void: 'Void' };

function intervalText(interval) {
  if (!interval) return '';
  return /^\d/.test(interval) ? ` every ${interval}` : ` / ${interval}`;
}

function ago(seconds, iso) {
  if (typeof seconds === 'number') return relativeSeconds(-seconds);
  return iso ? timeAgo(iso, null).textContent : 'never';
}

export async function render(container, ctx) {
  const isAdmin = ctx.user.role === 'aj_admin';
  const queryOrg = ctx.isStaff ? ctx.query.get('orgId') : null;
  const orgId = queryOrg || ctx.orgId || null;
  const orgName = (ctx.orgs.find((o) => o.id === orgId) || {}).name || (ctx.isStaff ? orgId : ctx.user.orgName) || '';
  const syncBtn = isAdmin ? h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'billing-sync' }, icon('refresh'), orgId || !ctx.isStaff ? 'Sync now' : 'Sync all clients') : null;
  const body = h('div', { class: 'page-body' });
  mount(container, pageHeader('Billing', orgName || (ctx.isStaff ? 'All clients' : ''), syncBtn), body);

  if (syncBtn) {
    syncBtn.addEventListener('click', async () => {
      const restore = busy(syncBtn, 'Syncing…');
      try {
        const res = await ctx.api.post('/api/billing/sync', orgId ? { orgId } : {}, { signal: ctx.signal });
        if (ctx.signal.aborted) return;
        if (res.connected === false) toast('Billing is not connected: nothing to sync.', 'error');
        else if ((res.failed || []).length) toast(`Sync failed for ${res.failed.map((f) => f.orgId).join(', ')}: ${res.failed[0].error || 'Whop unreachable'}`, 'error');
        else toast(`Synced ${(res.synced || []).length} organisation${(res.synced || []).length === 1 ? '' : 's'} from Whop.`, 'success');
      } catch (err) {
        if (!ctx.signal.aborted) toast(err.message, 'error');
      }
      restore();
      if (orgId || !ctx.isStaff) load();
    });
  }

  if (ctx.isStaff && !orgId) {
    mount(
      body,
      h(
        'div',
        { class: 'card' },
        emptyState(
          'Choose a client',
          'Billing belongs to a client organisation. Pick one to see its plan, payments and status.',
          'billing',
          h('div', { class: 'choice-list' }, ctx.orgs.map((o) => h('a', { href: `/billing?orgId=${encodeURIComponent(o.id)}`, class: 'btn btn-secondary', 'data-testid': 'billing-choose-org' }, o.name))),
        ),
      ),
    );
    return;
  }

  async function load() {
    mount(body, skeleton('cards', 2, 'Loading billing…'));
    let data;
    try {
      data = await ctx.api.get('/api/billing', { query: { orgId }, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err.status === 403) {
        mount(body, h('div', { class: 'card' }, errorState({ message: 'Your role does not include billing. Ask your organisation’s owner if you need it.' }, null, 'No access')));
        return;
      }
      mount(body, errorState(err, load, 'Could not load billing'));
      return;
    }
    if (ctx.signal.aborted) return;
    mount(body, view(data));
  }

  function view(data) {
    if (!data.connected) {
      return h('div', { class: 'card', 'data-testid': 'billing-not-connected' }, emptyState('Billing is not connected', 'The portal is not connected to Whop yet, so there is no plan or payment history to show. Your agency can connect it.', 'billing'));
    }
    if (!data.linked) {
      return h(
        'div',
        { class: 'card', 'data-testid': 'billing-not-linked' },
        emptyState('No billing account linked yet', ctx.isStaff ? 'Link this client to its Whop membership to show its plan and payments here.' : 'Your agency has not linked a billing account to your organisation yet. Your plan and payments will appear here once it has.', 'billing'),
      );
    }
    const plan = data.plan || {};
    const status = data.status;
    const payLabel = status === 'past_due' ? 'Pay now / update payment method' : 'Update payment method';
    const pay = data.manageUrl ? h('a', { href: data.manageUrl, class: `btn ${status === 'past_due' ? 'btn-danger' : 'btn-primary'}`, rel: 'noopener', target: '_blank', 'data-testid': 'billing-pay' }, payLabel, icon('external')) : null;
    const alert = data.alert || (status === 'past_due' ? { message: 'A payment is past due.' } : null);
    const payments = data.payments || [];
    const nextCharge = data.cancelAtPeriodEnd ? null : data.nextBillingDate || data.currentPeriodEnd;

    return [
      alert
        ? h(
            'div',
            { class: 'banner banner-danger', role: 'alert', 'data-testid': 'billing-alert' },
            h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, icon('alert')),
            h('div', { class: 'banner-text' }, h('strong', null, 'Payment past due'), h('span', null, alert.message), alert.since ? h('span', { class: 'small' }, `Since ${formatDate(alert.since)}`) : null),
            alert.manageUrl || data.manageUrl ? h('a', { href: alert.manageUrl || data.manageUrl, class: 'btn btn-danger', rel: 'noopener', target: '_blank' }, 'Pay now', icon('external')) : null,
          )
        : null,
      data.stale
        ? h(
            'div',
            { class: 'banner banner-warning', role: 'status', 'data-testid': 'billing-stale' },
            h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, icon('alert')),
            h('div', { class: 'banner-text' }, h('strong', null, `Last synced ${ago(data.syncAgeSeconds, data.syncedAt)}, Whop unreachable`), h('span', null, `What you see may be out of date${data.staleSince ? ` (sync failing since ${formatDate(data.staleSince)})` : ''}. It updates automatically when Whop answers again.`)),
          )
        : null,
      h(
        'div',
        { class: 'billing-grid' },
        h(
          'section',
          { class: 'card billing-plan', 'aria-labelledby': 'plan-title' },
          h('div', { class: 'card-head billing-plan-head' }, h('h2', { id: 'plan-title', class: 'section-title' }, 'Your plan'), h('span', { 'data-testid': 'billing-status' }, badge(STATUS_TONES[status] || 'planning', STATUS_LABELS[status] || 'Unknown'))),
          h(
            'div',
            { class: 'card-body' },
            h('p', { class: 'plan-name' }, plan.name || 'Plan'),
            h('p', { class: 'plan-price', 'data-testid': 'billing-amount' }, formatMoney(plan.amount, plan.currency), h('span', { class: 'muted' }, intervalText(plan.interval))),
            h(
              'dl',
              { class: 'facts' },
              h('div', null, h('dt', null, data.cancelAtPeriodEnd ? 'Ends on' : 'Next charge'), h('dd', { 'data-testid': 'billing-next' }, formatDate(data.cancelAtPeriodEnd ? data.currentPeriodEnd : nextCharge))),
              h('div', null, h('dt', null, 'Last payment'), h('dd', null, data.lastPayment ? `${formatMoney(data.lastPayment.amount, data.lastPayment.currency)} · ${formatDate(data.lastPayment.created)}` : '—')),
            ),
            data.cancelAtPeriodEnd ? h('p', { class: 'muted small' }, 'This plan is set to end at the close of the current period.') : null,
            pay ? h('div', { class: 'plan-actions' }, pay, h('span', { class: 'muted small' }, 'Opens Whop, where payments are handled securely.')) : null,
            h('p', { class: 'muted small', 'data-testid': 'billing-synced' }, 'Last synced ', data.syncedAt ? timeAgo(data.syncedAt, null) : 'never', data.stale ? ' · Whop unreachable' : ''),
          ),
        ),
        h(
          'section',
          { class: 'card billing-history', 'aria-labelledby': 'history-title' },
          h('div', { class: 'card-head' }, h('h2', { id: 'history-title', class: 'section-title' }, 'Payment history')),
          h(
            'div',
            { class: 'card-body' },
            payments.length
              ? h(
                  'table',
                  { class: 'table' },
                  h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Amount'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Receipt')))),
                  h(
                    'tbody',
                    null,
                    payments.map((p) =>
                      h(
                        'tr',
                        { 'data-testid': 'payment-row' },
                        h('td', { 'data-label': 'Date' }, formatDate(p.created)),
                        h('td', { 'data-label': 'Amount', class: 'num' }, formatMoney(p.amount, p.currency || plan.currency)),
                        h('td', { 'data-label': 'Status' }, badge(p.status, PAYMENT_LABELS[p.status] || p.status)),
                        h('td', { class: 'cell-action' }, p.receipt_url ? h('a', { href: p.receipt_url, class: 'link', rel: 'noopener', target: '_blank', 'data-testid': 'payment-receipt' }, 'Receipt', h('span', { class: 'visually-hidden' }, ` for ${formatDate(p.created)}`)) : h('span', { class: 'muted small' }, 'No receipt')),
                      ),
                    ),
                  ),
                )
              : h('p', { class: 'muted' }, 'No payments yet.'),
          ),
        ),
      ),
    ];
  }

  await load();
}
