// Clients (staff): every client with what needs attention — billing status, approvals
// waiting, overdue milestones, unread messages, last activity — from the summaries
// (GET /api/clients); sortable and searchable. "New client" ("orgs.create") creates the
// organisation and invites its first owner in the same step.

import { useMemo, useRef, useState } from 'preact/hooks';
import { BILLING_STATUS_LABELS, BILLING_STATUS_TONES, EMAIL_RE } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { can } from '../state.js';
import { Badge, Button, EmptyState, Field, InlineError, PageHeader, TimeAgo, formatDateTime, toast } from '../ui.js';

const COLUMNS = [
  { key: 'name', label: 'Client' },
  { key: 'billingStatus', label: 'Billing' },
  { key: 'approvalsWaiting', label: 'Approvals waiting', num: true },
  { key: 'overdueMilestones', label: 'Overdue milestones', num: true },
  { key: 'unreadMessages', label: 'Unread messages', num: true },
  { key: 'lastActivity', label: 'Last activity' },
];

export const splitList = (text) => text.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);

function NewClientForm({ api, onCreated }) {
  const [form, setForm] = useState({ name: '', logoUrl: '', domains: '', owner: '' });
  const { busy, error, run, invalid } = useSubmit();
  const [created, setCreated] = useState(null);
  const link = useRef(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const submit = async (event) => {
    event.preventDefault();
    if (!form.name.trim()) return invalid('Give the client a name.');
    if (!EMAIL_RE.test(form.owner.trim())) return invalid('Enter the email of the client’s first owner.');
    await run(async () => {
      const body = { name: form.name.trim(), emailDomains: splitList(form.domains), owner: { email: form.owner.trim() } };
      if (form.logoUrl.trim()) body.logoUrl = form.logoUrl.trim();
      const res = await api.post('/api/orgs', body);
      setCreated(res);
      setForm({ name: '', logoUrl: '', domains: '', owner: '' });
      onCreated(res);
    });
  };
  return html`
    <section class="card" aria-labelledby="new-client-title">
      <div class="card-body">
        <h2 id="new-client-title" class="section-title">New client</h2>
        <p class="muted small">Creates the client’s portal and an invitation for its first owner.</p>
        <div class="error-slot"><${InlineError} message=${error} /></div>
        <form class="form" novalidate onSubmit=${submit}>
          <${Field} id="client-name" label="Name"><input id="client-name" class="input" data-testid="client-name" value=${form.name} onInput=${set('name')} /><//>
          <${Field} id="client-logo" label="Logo URL (optional)" hint="An https link to the logo image."><input id="client-logo" class="input" type="url" data-testid="client-logo" value=${form.logoUrl} onInput=${set('logoUrl')} /><//>
          <${Field} id="client-domains" label="Email domains" hint="Comma-separated, e.g. initech.com. Bookings are matched by them."><input id="client-domains" class="input" data-testid="client-domains" value=${form.domains} onInput=${set('domains')} /><//>
          <${Field} id="client-owner" label="First owner’s email"><input id="client-owner" class="input" type="email" autocomplete="off" data-testid="client-owner" value=${form.owner} onInput=${set('owner')} /><//>
          <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy} busyLabel="Creating…" data-testid="client-submit">Create client and invite owner<//>
        </form>
        ${created
          ? html`<div class="invite-result" role="status">
              <p class="invite-result-title">${created.org.name} was created</p>
              <p class="small">Send this link to ${created.invite.email}. It works once and expires ${formatDateTime(created.invite.expiresAt)}.</p>
              <input ref=${link} class="input input-mono" readonly value=${created.inviteUrl} data-testid="client-invite-link" aria-label="Invitation link" onFocus=${(e) => e.currentTarget.select()} />
              <p class="small"><a href=${`/clients/${created.org.id}`} data-testid="client-open">Open ${created.org.name}’s settings</a></p>
            </div>`
          : null}
      </div>
    </section>
  `;
}

function ClientTable({ items }) {
  const [sort, setSort] = useState({ key: 'name', dir: 1 });
  const [search, setSearch] = useState('');
  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    const found = items.filter((c) => !q || c.name.toLowerCase().includes(q) || (c.emailDomains || []).some((d) => d.includes(q)));
    const val = (c) => (typeof c[sort.key] === 'number' ? c[sort.key] : String(c[sort.key] || '').toLowerCase());
    return found.slice().sort((a, b) => (val(a) > val(b) ? 1 : val(a) < val(b) ? -1 : 0) * sort.dir);
  }, [items, sort, search]);
  const by = (key) => setSort((s) => ({ key, dir: s.key === key ? -s.dir : key === 'name' ? 1 : -1 }));
  return html`
    <div class="toolbar">
      <div class="filter">
        <label for="client-search" class="field-label">Search</label>
        <input id="client-search" type="search" class="input" placeholder="Name or email domain" data-testid="client-search" value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} />
      </div>
    </div>
    <div class="table-wrap">
      <table class="table" data-testid="clients-table">
        <thead>
          <tr>
            ${COLUMNS.map(
              (c) => html`<th key=${c.key} class=${c.num ? 'num' : ''} aria-sort=${sort.key === c.key ? (sort.dir > 0 ? 'ascending' : 'descending') : undefined}>
                <button type="button" class="link-btn" data-testid=${`sort-${c.key}`} onClick=${() => by(c.key)}>${c.label}${sort.key === c.key ? (sort.dir > 0 ? ' ↑' : ' ↓') : ''}</button>
              </th>`,
            )}
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (c) => html`<tr key=${c.id} data-testid="client-row">
              <td><a href=${`/clients/${c.id}`} data-testid="client-link">${c.name}</a>${c.archived ? html` <${Badge} status="disabled" label="Archived" />` : null}</td>
              <td>${c.billingStatus ? html`<${Badge} status=${BILLING_STATUS_TONES[c.billingStatus] || c.billingStatus} label=${BILLING_STATUS_LABELS[c.billingStatus] || c.billingStatus} />` : html`<span class="muted">Not linked</span>`}</td>
              <td class="num">${c.approvalsWaiting}</td>
              <td class="num">${c.overdueMilestones}</td>
              <td class="num">${c.unreadMessages}</td>
              <td><${TimeAgo} value=${c.lastActivity} /></td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${rows.length ? null : html`<p class="muted">No client matches “${search}”.</p>`}
    </div>
  `;
}

export default function ClientsPage(ctx) {
  const [archived, setArchived] = useState(false);
  const clients = useResource((signal) => ctx.api.get('/api/clients', { query: { archived: archived ? 'true' : '' }, signal }), [archived]);
  const created = () => {
    toast('Client created; the owner’s invitation is ready.', 'success');
    clients.reload();
    ctx.refreshOrgs && ctx.refreshOrgs();
  };
  return html`
    <${PageHeader} title="Clients" subtitle="Every client, with what needs attention." />
    <div class="team-grid">
      <div class="team-main">
        <section class="card">
          <div class="card-body">
            <label class="check"><input type="checkbox" data-testid="clients-archived" checked=${archived} onChange=${(e) => setArchived(e.currentTarget.checked)} /> Show archived clients</label>
            <${Load}
              resource=${clients}
              skeleton=${{ kind: 'rows', count: 4, label: 'Loading clients…' }}
              errorTitle="Could not load clients"
              isEmpty=${(d) => !d.items.length}
              empty=${html`<${EmptyState} title="No clients yet" text="Create your first client to give them a portal." icon="team" />`}
            >
              ${(data) => html`<${ClientTable} items=${data.items} />`}
            <//>
          </div>
        </section>
      </div>
      <div class="team-side">
        ${can('orgs.create', 'agency') ? html`<${NewClientForm} api=${ctx.api} onCreated=${created} />` : html`<section class="card"><div class="card-body"><p class="muted"><${Icon} name="lock" /> Your role cannot create clients.</p></div></section>`}
      </div>
    </div>
  `;
}
