// Needs attention (/attention, staff): what the portal could not finish on its own, with
// the action that finishes each.
// - Failed deliveries (GET /api/deliveries?status=failed, "deliveries.manage"): Slack, n8n
//   and mail that failed for good; "Retry" sends one again (POST /api/deliveries/{id}/retry).
// - Whop events for a membership no client is linked to (GET /api/billing/unmatched,
//   "billing.review"), one row per membership; admins ("billing.sync") link it to a client
//   (POST /api/billing/link), which syncs its billing and settles its events.
// - Meetings no client was found for (GET /api/bookings/unmatched, "bookings.manage"):
//   assigned to a client (POST /api/bookings/unmatched/{id}/assign).
// Each section loads, fails and is empty on its own; what an action did is said in the
// page's live region, and the focus goes to the section's heading when a row leaves.

import { useRef, useState } from 'preact/hooks';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { can } from '../state.js';
import { Badge, Button, InlineError, PageHeader, TimeAgo, formatDateTime, plural, titleCase } from '../ui.js';

const CHANNELS = { slack: 'Slack', n8n: 'n8n', email: 'Mail' };
const PAGE = 50; // GET /api/deliveries answers the newest 50

function clientsOf(ctx) {
  return (ctx.orgs || []).filter((o) => o.kind === 'client' && !o.archived);
}

function orgName(ctx, id) {
  if (!id) return '';
  const org = (ctx.orgs || []).find((o) => o.id === id);
  return org ? org.name : id;
}

/** Where a delivery was going, in words. */
function destination(d) {
  if (d.channel === 'email') return d.recipient || 'one person';
  if (d.channel === 'slack') return d.target === 'client' ? 'the client’s Slack channel' : 'the agency’s Slack channel';
  return 'n8n';
}

/** What a delivery says, without Slack's leading emoji codes (":eyes: Acme…" → "Acme…"). */
function summaryOf(d) {
  return (d.summary || '').replace(/^(?::[a-z0-9_+-]+:\s*)+/i, '');
}

/** A delivery named for a button or a message: "the Slack message “…”", "the mail “…” to …". */
function deliveryName(d) {
  const kind = titleCase(d.kind).toLowerCase();
  const text = summaryOf(d);
  const what = text ? `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”` : `(${kind})`;
  if (d.channel === 'email') return `the mail ${what} to ${destination(d)}`;
  if (d.channel === 'slack') return `the Slack message ${what}`;
  return `the n8n event ${kind}`;
}

function Section({ id, title, count, intro, headingRef, testid, children }) {
  return html`
    <section class="card attention-section" aria-labelledby=${id} data-testid=${testid}>
      <div class="section-head">
        <h2 id=${id} ref=${headingRef} tabindex="-1" class="section-title">${title}</h2>
        ${count !== undefined ? html`<span class="muted small" data-testid=${`${testid}-count`}>${plural(count, 'item')}</span>` : null}
      </div>
      <p class="muted small">${intro}</p>
      ${children}
    </section>
  `;
}

function Nothing({ text, testid }) {
  return html`<p class="attention-empty" data-testid=${testid}><span class="attention-empty-icon" aria-hidden="true"><${Icon} name="check" /></span>${text}</p>`;
}

function Deliveries({ ctx, say }) {
  const heading = useRef(null);
  const list = useResource((signal) => ctx.api.get('/api/deliveries', { query: { status: 'failed' }, signal }), []);
  const { busy, error, run } = useSubmit({ messageOf: (err) => `Could not retry: ${(err && err.message) || 'something went wrong.'}` });
  const retry = (d) =>
    run(async () => {
      await ctx.api.post(`/api/deliveries/${encodeURIComponent(d.id)}/retry`);
      list.setData((data) => ({ ...data, items: data.items.filter((x) => x.id !== d.id) }));
      say(`Sending ${deliveryName(d)} again. It leaves this list; it comes back if it fails again.`);
      heading.current?.focus();
      list.reload();
    }, d.id);
  const items = (list.data && list.data.items) || [];
  return html`
    <${Section} id="attention-deliveries" title="Failed deliveries" count=${list.data ? items.length : undefined} headingRef=${heading} testid="attention-deliveries"
      intro="Slack messages, n8n events and mail that still failed after every attempt. Retry one once its channel works again.">
      <${InlineError} message=${error} testid="attention-deliveries-error" />
      <${Load} resource=${list} skeleton=${{ kind: 'rows', count: 2, label: 'Loading failed deliveries…' }} errorTitle="Could not load failed deliveries"
        isEmpty=${(data) => !data.items.length} empty=${html`<${Nothing} testid="attention-deliveries-empty" text="Nothing failed: every delivery went out." />`}>
        ${(data) => html`
          <ul class="attention-list">
            ${data.items.map(
              (d) => html`<li key=${d.id} class="attention-item" data-testid="attention-delivery" data-id=${d.id}>
                <div class="attention-item-main">
                  <h3 class="attention-item-title">${CHANNELS[d.channel] || d.channel} · ${titleCase(d.kind)}</h3>
                  ${summaryOf(d) ? html`<p class="attention-item-text">${summaryOf(d)}</p>` : null}
                  <dl class="meta attention-meta">
                    <div><dt>To</dt><dd>${destination(d)}</dd></div>
                    ${d.orgId ? html`<div><dt>Client</dt><dd>${orgName(ctx, d.orgId)}</dd></div>` : null}
                    <div><dt>Attempts</dt><dd>${d.attempts}</dd></div>
                    ${d.lastError ? html`<div><dt>Last error</dt><dd>${d.lastError}</dd></div>` : null}
                    <div><dt>Since</dt><dd>${formatDateTime(d.createdAt)}</dd></div>
                  </dl>
                </div>
                <div class="attention-actions">
                  <${Badge} status="failed" label="Failed" />
                  <${Button} class="btn btn-secondary btn-sm" busy=${busy === d.id} busyLabel="Retrying…" disabled=${Boolean(busy)} data-testid="attention-retry" onClick=${() => retry(d)}>
                    <${Icon} name="refresh" />Retry<span class="visually-hidden"> ${deliveryName(d)}</span>
                  <//>
                </div>
              </li>`,
            )}
          </ul>
          ${data.items.length >= PAGE ? html`<p class="muted small">The ${PAGE} newest are shown; the older ones appear as these are settled.</p>` : null}
        `}
      <//>
    <//>
  `;
}

/** Parked Whop events, one row per membership (linking it settles all of its events). */
function byMembership(events) {
  const groups = new Map();
  for (const e of events) {
    const key = e.membershipId || '';
    if (!groups.has(key)) groups.set(key, { membershipId: e.membershipId || null, userId: e.userId || null, events: [] });
    groups.get(key).events.push(e);
  }
  return [...groups.values()];
}

function Whop({ ctx, say }) {
  const heading = useRef(null);
  const list = useResource((signal) => ctx.api.get('/api/billing/unmatched', { signal }), []);
  const [choice, setChoice] = useState({});
  const { busy, error, run } = useSubmit({ messageOf: (err) => `Could not link the membership: ${(err && err.message) || 'something went wrong.'}` });
  const mayLink = can('billing.sync');
  const clients = clientsOf(ctx);
  const link = (membershipId) =>
    run(async () => {
      const orgId = choice[membershipId];
      await ctx.api.post('/api/billing/link', { orgId, membershipId });
      list.setData((data) => ({ ...data, items: data.items.filter((e) => e.membershipId !== membershipId) }));
      say(`Membership ${membershipId} is linked to ${orgName(ctx, orgId)}; its billing is synced from Whop.`);
      heading.current?.focus();
      list.reload();
    }, membershipId);
  const groups = list.data ? byMembership(list.data.items) : [];
  return html`
    <${Section} id="attention-whop" title="Whop payments without a client" count=${list.data ? groups.length : undefined} headingRef=${heading} testid="attention-whop"
      intro="Whop told the portal about a membership no client is linked to, such as a new client who paid before their portal was made. Linking it to its client syncs its billing.">
      <${InlineError} message=${error} testid="attention-whop-error" />
      <${Load} resource=${list} skeleton=${{ kind: 'rows', count: 2, label: 'Loading Whop events…' }} errorTitle="Could not load Whop events"
        isEmpty=${(data) => !data.items.length} empty=${html`<${Nothing} testid="attention-whop-empty" text="Every Whop event belongs to a client." />`}>
        ${() => html`
          <ul class="attention-list">
            ${groups.map((g) => {
              const latest = g.events[0];
              const id = `whop-${g.membershipId || 'none'}`;
              return html`<li key=${id} class="attention-item" data-testid="attention-whop-event" data-membership=${g.membershipId || ''}>
                <div class="attention-item-main">
                  <h3 class="attention-item-title">${g.membershipId ? html`Membership <code>${g.membershipId}</code>` : 'An event that names no membership'}</h3>
                  <dl class="meta attention-meta">
                    <div><dt>${g.events.length === 1 ? 'Event' : 'Events'}</dt><dd>${g.events.map((e) => e.type || 'unknown').join(', ')}</dd></div>
                    ${g.userId ? html`<div><dt>Whop user</dt><dd><code>${g.userId}</code></dd></div>` : null}
                    <div><dt>Received</dt><dd><${TimeAgo} value=${latest.receivedAt || latest.occurredAt} class="" /></dd></div>
                  </dl>
                </div>
                <div class="attention-actions">
                  ${!g.membershipId
                    ? html`<p class="muted small">Nothing to link.</p>`
                    : mayLink
                      ? html`<span class="attention-assign">
                          <label class="sr-only" for=${`${id}-client`}>Client for membership ${g.membershipId}</label>
                          <select id=${`${id}-client`} class="select" data-testid="attention-whop-client" value=${choice[g.membershipId] || ''} onChange=${(e) => setChoice({ ...choice, [g.membershipId]: e.currentTarget.value })}>
                            <option value="">Choose a client…</option>
                            ${clients.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
                          </select>
                          <${Button} class="btn btn-secondary btn-sm" busy=${busy === g.membershipId} busyLabel="Linking…" disabled=${!choice[g.membershipId] || Boolean(busy)} data-testid="attention-whop-link" onClick=${() => link(g.membershipId)}>
                            Link<span class="visually-hidden"> membership ${g.membershipId}</span>
                          <//>
                        </span>`
                      : html`<p class="muted small">An admin links the membership to its client.</p>`}
                </div>
              </li>`;
            })}
          </ul>
        `}
      <//>
    <//>
  `;
}

function Meetings({ ctx, say }) {
  const heading = useRef(null);
  const list = useResource((signal) => ctx.api.get('/api/bookings/unmatched', { signal }), []);
  const [choice, setChoice] = useState({});
  const { busy, error, run } = useSubmit({ messageOf: (err) => `Could not assign the meeting: ${(err && err.message) || 'something went wrong.'}` });
  const clients = clientsOf(ctx);
  const chosen = (b) => (choice[b.id] !== undefined ? choice[b.id] : clients.some((o) => o.id === b.suggestedOrgId) ? b.suggestedOrgId : '');
  const assign = (b) =>
    run(async () => {
      const orgId = chosen(b);
      await ctx.api.post(`/api/bookings/unmatched/${encodeURIComponent(b.id)}/assign`, { orgId });
      list.setData((data) => ({ ...data, items: data.items.filter((x) => x.id !== b.id) }));
      say(`“${b.title || 'Meeting'}” is assigned to ${orgName(ctx, orgId)}.`);
      heading.current?.focus();
      list.reload();
    }, b.id);
  return html`
    <${Section} id="attention-meetings" title="Meetings without a client" count=${list.data ? list.data.items.length : undefined} headingRef=${heading} testid="attention-meetings"
      intro="No attendee of these meetings belongs to a client. Assign each to the client it is with; its later changes follow it there.">
      <${InlineError} message=${error} testid="attention-meetings-error" />
      <${Load} resource=${list} skeleton=${{ kind: 'rows', count: 2, label: 'Loading meetings…' }} errorTitle="Could not load meetings without a client"
        isEmpty=${(data) => !data.items.length} empty=${html`<${Nothing} testid="attention-meetings-empty" text="Every meeting belongs to a client." />`}>
        ${(data) => html`
          <ul class="attention-list">
            ${data.items.map((b) => {
              const title = b.title || 'Meeting';
              return html`<li key=${b.id} class="attention-item" data-testid="attention-meeting" data-id=${b.id}>
                <div class="attention-item-main">
                  <h3 class="attention-item-title">${title}</h3>
                  <dl class="meta attention-meta">
                    <div><dt>When</dt><dd>${formatDateTime(b.start, 'Time to be confirmed')}</dd></div>
                    <div><dt>Attendees</dt><dd>${(b.attendees || []).map((a) => (a.name ? `${a.name} (${a.email})` : a.email)).join(', ') || '—'}</dd></div>
                    ${b.suggestedOrgId ? html`<div><dt>Suggested</dt><dd>${orgName(ctx, b.suggestedOrgId)} (by email domain)</dd></div>` : null}
                    ${b.status && b.status !== 'confirmed' ? html`<div><dt>Status</dt><dd>${titleCase(b.status)}</dd></div>` : null}
                  </dl>
                </div>
                <div class="attention-actions">
                  <span class="attention-assign">
                    <label class="sr-only" for=${`meeting-${b.id}-client`}>Client for ${title}</label>
                    <select id=${`meeting-${b.id}-client`} class="select" data-testid="attention-meeting-client" value=${chosen(b)} onChange=${(e) => setChoice({ ...choice, [b.id]: e.currentTarget.value })}>
                      <option value="">Choose a client…</option>
                      ${clients.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
                    </select>
                    <${Button} class="btn btn-secondary btn-sm" busy=${busy === b.id} busyLabel="Assigning…" disabled=${!chosen(b) || Boolean(busy)} data-testid="attention-meeting-assign" onClick=${() => assign(b)}>
                      Assign<span class="visually-hidden"> ${title}</span>
                    <//>
                  </span>
                </div>
              </li>`;
            })}
          </ul>
        `}
      <//>
    <//>
  `;
}

export default function AttentionPage(ctx) {
  const [status, setStatus] = useState('');
  const say = (message) => setStatus(message);
  return html`
    <${PageHeader} title="Needs attention" subtitle="What the portal could not finish on its own, across all clients, with what finishes it." />
    <p class="attention-status" role="status" data-testid="attention-status">${status}</p>
    <div class="attention-sections">
      ${can('deliveries.manage', 'agency') ? html`<${Deliveries} ctx=${ctx} say=${say} />` : null}
      ${can('billing.review', 'agency') ? html`<${Whop} ctx=${ctx} say=${say} />` : null}
      ${can('bookings.manage', 'agency') ? html`<${Meetings} ctx=${ctx} say=${say} />` : null}
    </div>
  `;
}
