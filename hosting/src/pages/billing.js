// Billing: the plan and its status, the next charge, the pay / update link, the
// payment history with receipts, and when it was last synced from Whop. Client
// owners see their organisation; staff see the client chosen in the switcher (or
// ?orgId=, from the agency dashboard); those allowed to ("billing.sync") sync now.

import { BILLING_STATUS_LABELS, BILLING_STATUS_TONES, PAYMENT_LABELS } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { can } from '../state.js';
import { Badge, Button, EmptyState, ErrorState, PageHeader, TimeAgo, formatDate, formatMoney, plural, relativeSeconds, relativeTime, safeUrl, toast } from '../ui.js';

function intervalText(interval) {
  if (!interval) return '';
  return /^\d/.test(interval) ? ` every ${interval}` : ` / ${interval}`;
}

function ago(seconds, iso) {
  if (typeof seconds === 'number') return relativeSeconds(-seconds);
  return iso ? relativeTime(iso) : 'never';
}

function Payments({ payments, currency }) {
  if (!payments.length) return html`<p class="muted">No payments yet.</p>`;
  return html`
    <table class="table">
      <thead><tr><th scope="col">Date</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Receipt</span></th></tr></thead>
      <tbody>
        ${payments.map(
          (p, i) => html`
            <tr key=${p.id || i} data-testid="payment-row">
              <td data-label="Date">${formatDate(p.created)}</td>
              <td data-label="Amount" class="num">${formatMoney(p.amount, p.currency || currency)}</td>
              <td data-label="Status"><${Badge} status=${p.status} label=${PAYMENT_LABELS[p.status] || p.status} /></td>
              <td class="cell-action">
                ${safeUrl(p.receipt_url)
                  ? html`<a href=${safeUrl(p.receipt_url)} class="link" rel="noopener" target="_blank" data-testid="payment-receipt">Receipt<span class="visually-hidden"> for ${formatDate(p.created)}</span></a>`
                  : html`<span class="muted small">No receipt</span>`}
              </td>
            </tr>
          `,
        )}
      </tbody>
    </table>
  `;
}

function BillingView({ data, isStaff }) {
  if (!data.connected) {
    return html`<div class="card" data-testid="billing-not-connected"><${EmptyState} title="Billing is not connected" text="The portal is not connected to Whop yet, so there is no plan or payment history to show. Your agency can connect it." icon="billing" /></div>`;
  }
  if (!data.linked) {
    const text = isStaff
      ? 'Link this client to its Whop membership to show its plan and payments here.'
      : 'Your agency has not linked a billing account to your organisation yet. Your plan and payments will appear here once it has.';
    return html`<div class="card" data-testid="billing-not-linked"><${EmptyState} title="No billing account linked yet" text=${text} icon="billing" /></div>`;
  }
  const plan = data.plan || {};
  const status = data.status;
  const pastDue = status === 'past_due';
  const alert = data.alert || (pastDue ? { message: 'A payment is past due.' } : null);
  const manageUrl = safeUrl(data.manageUrl);
  const alertUrl = alert && (safeUrl(alert.manageUrl) || manageUrl);
  const when = billingDate(data, pastDue, alert);
  return html`
    ${alert
      ? html`
          <div class="banner banner-danger" role="alert" data-testid="billing-alert">
            <span class="banner-icon" aria-hidden="true"><${Icon} name="alert" /></span>
            <div class="banner-text"><strong>Payment past due</strong><span>${alert.message}</span>${alert.since ? html`<span class="small">Since ${formatDate(alert.since)}</span>` : null}</div>
            ${alertUrl ? html`<a href=${alertUrl} class="btn btn-danger" rel="noopener" target="_blank">Pay now<${Icon} name="external" /></a>` : null}
          </div>
        `
      : null}
    ${data.stale
      ? html`
          <div class="banner banner-warning" role="status" data-testid="billing-stale">
            <span class="banner-icon" aria-hidden="true"><${Icon} name="alert" /></span>
            <div class="banner-text">
              <strong>Last synced ${ago(data.syncAgeSeconds, data.syncedAt)}, Whop unreachable</strong>
              <span>What you see may be out of date${data.staleSince ? ` (sync failing since ${formatDate(data.staleSince)})` : ''}. It updates automatically when Whop answers again.</span>
            </div>
          </div>
        `
      : null}
    <div class="billing-grid">
      <section class="card billing-plan" aria-labelledby="plan-title">
        <div class="card-head billing-plan-head">
          <h2 id="plan-title" class="section-title">Your plan</h2>
          <span data-testid="billing-status"><${Badge} status=${BILLING_STATUS_TONES[status] || 'planning'} label=${BILLING_STATUS_LABELS[status] || 'Unknown'} /></span>
        </div>
        <div class="card-body">
          <p class="plan-name">${plan.name || 'Plan'}</p>
          <p class="plan-price" data-testid="billing-amount">${formatMoney(plan.amount, plan.currency)}<span class="muted">${intervalText(plan.interval)}</span></p>
          <dl class="facts">
            <div><dt>${when.label}</dt><dd data-testid="billing-next">${formatDate(when.date)}</dd></div>
            <div><dt>Last payment</dt><dd>${data.lastPayment ? `${formatMoney(data.lastPayment.amount, data.lastPayment.currency)} · ${formatDate(data.lastPayment.created)}` : '—'}</dd></div>
          </dl>
          ${data.cancelAtPeriodEnd ? html`<p class="muted small">This plan is set to end at the close of the current period.</p>` : null}
          ${manageUrl
            ? html`<div class="plan-actions">
                <a href=${manageUrl} class=${`btn ${pastDue ? 'btn-danger' : 'btn-primary'}`} rel="noopener" target="_blank" data-testid="billing-pay">${pastDue ? 'Pay now / update payment method' : 'Update payment method'}<${Icon} name="external" /></a>
                <span class="muted small">Opens Whop, where payments are handled securely.</span>
              </div>`
            : null}
          <p class="muted small" data-testid="billing-synced">Last synced ${data.syncedAt ? html`<${TimeAgo} value=${data.syncedAt} class=${null} />` : 'never'}${data.stale ? ' · Whop unreachable' : ''}</p>
        </div>
      </section>
      <section class="card billing-history" aria-labelledby="history-title">
        <div class="card-head"><h2 id="history-title" class="section-title">Payment history</h2></div>
        <div class="card-body"><${Payments} payments=${data.payments || []} currency=${plan.currency} /></div>
      </section>
    </div>
  `;
}

export default function BillingPage(ctx) {
  const queryOrg = ctx.isStaff ? ctx.query.get('orgId') : null;
  const orgId = queryOrg || ctx.orgId || null;
  const orgName = (ctx.orgs.find((o) => o.id === orgId) || {}).name || (ctx.isStaff ? orgId : ctx.user.orgName) || '';
  const chooseOrg = ctx.isStaff && !orgId;
  const billing = useResource(chooseOrg ? null : (signal) => ctx.api.get('/api/billing', { query: { orgId }, signal }), [orgId]);
  const { busy: syncing, run } = useSubmit({ onError: (err) => toast(err.message, 'error') });

  const sync = async () => {
    await run(async () => {
      const res = await ctx.api.post('/api/billing/sync', orgId ? { orgId } : {});
      const synced = res.synced || [];
      if (res.connected === false) toast('Billing is not connected: nothing to sync.', 'error');
      else if ((res.failed || []).length) toast(`Sync failed for ${res.failed.map((f) => f.orgId).join(', ')}: ${res.failed[0].error || 'Whop unreachable'}`, 'error');
      else toast(`Synced ${plural(synced.length, 'organisation')} from Whop.`, 'success');
    });
    if (!chooseOrg) billing.reload();
  };
  const syncButton = can('billing.sync')
    ? html`<${Button} busy=${syncing} busyLabel="Syncing…" data-testid="billing-sync" onClick=${sync}><${Icon} name="refresh" />${chooseOrg ? 'Sync all clients' : 'Sync now'}<//>`
    : null;

  return html`
    <${PageHeader} title="Billing" subtitle=${orgName || (ctx.isStaff ? 'All clients' : '')} actions=${syncButton} />
    <div class="page-body">
      ${chooseOrg
        ? html`
            <div class="card">
              <${EmptyState} title="Choose a client" text="Billing belongs to a client organisation. Pick one to see its plan, payments and status." icon="billing">
                <div class="choice-list">${ctx.orgs.map((o) => html`<a key=${o.id} href=${`/billing?orgId=${encodeURIComponent(o.id)}`} class="btn btn-secondary" data-testid="billing-choose-org">${o.name}</a>`)}</div>
              <//>
            </div>
          `
        : html`
            <${Load}
              resource=${billing}
              skeleton=${{ kind: 'cards', count: 2, label: 'Loading billing…' }}
              errorTitle="Could not load billing"
              onError=${(err) => (err.status === 403 ? html`<div class="card"><${ErrorState} error=${{ message: 'Your role does not include billing. Ask your organisation’s owner if you need it.' }} title="No access" /></div>` : undefined)}
            >
              ${(data) => html`<${BillingView} data=${data} isStaff=${ctx.isStaff} />`}
            <//>
          `}
    </div>
  `;
}

/** The date the plan card shows, and what it is: a date that has passed is never shown
 * as the next charge. A past-due plan shows since when its payment is due. */
function billingDate(data, pastDue, alert) {
  const passed = (value) => Boolean(value) && new Date(value).getTime() < Date.now();
  if (data.cancelAtPeriodEnd) {
    return { label: passed(data.currentPeriodEnd) ? 'Ended on' : 'Ends on', date: data.currentPeriodEnd };
  }
  const next = data.nextBillingDate || data.currentPeriodEnd;
  if (pastDue) return { label: 'Payment due since', date: passed(next) ? next : (alert && alert.since) || null };
  if (passed(next)) return { label: 'Renewal was due', date: next };
  return { label: 'Next charge', date: next };
}
