// The audit log: who did what, where and when, newest first, a page at a time.
// Admins see every organisation (or the one chosen here); a client owner sees their
// own organisation's. Filters: organisation, action, person, and a date range.

import { useState } from 'preact/hooks';
import { ROLE_LABELS } from '../constants.js';
import { html } from '../html.js';
import { Load, LoadMore, usePages } from '../load.js';
import { Button, EmptyState, PageHeader, formatDateTime } from '../ui.js';

const EMPTY = { orgId: '', action: '', actor: '', actorLabel: '', from: '', to: '' };

/** The start of a local calendar day as an instant (ISO 8601), `days` later. */
function dayStart(value, days = 0) {
  if (!value) return '';
  const d = new Date(`${value}T00:00:00`);
  if (Number.isNaN(d.getTime())) return '';
  d.setDate(d.getDate() + days);
  return d.toISOString();
}

function who(e) {
  const name = e.actorEmail || (e.actorUid ? e.actorUid : 'System');
  const role = e.actorRole ? ROLE_LABELS[e.actorRole] || e.actorRole : '';
  return { name, role };
}

function details(e) {
  const d = e.details || {};
  return Object.entries(d)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}

function Filters({ ctx, filters, actions, onApply }) {
  const [draft, setDraft] = useState(filters);
  const set = (key) => (e) => setDraft({ ...draft, [key]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    onApply({ ...draft, actorLabel: draft.actor && draft.actor === filters.actor ? filters.actorLabel : '' });
  };
  const reset = () => {
    setDraft(EMPTY);
    onApply(EMPTY);
  };
  return html`
    <form class="toolbar audit-filters" aria-label="Filter the audit log" data-testid="audit-filters" onSubmit=${submit}>
      ${ctx.isStaff
        ? html`<div class="filter">
            <label for="audit-org" class="field-label">Organisation</label>
            <select id="audit-org" class="select" data-testid="audit-org" value=${draft.orgId} onChange=${set('orgId')}>
              <option value="">All organisations</option>
              <option value=${ctx.user.orgId}>The agency</option>
              ${ctx.orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
            </select>
          </div>`
        : null}
      <div class="filter">
        <label for="audit-action" class="field-label">Action</label>
        <select id="audit-action" class="select" data-testid="audit-action" value=${draft.action} onChange=${set('action')}>
          <option value="">All actions</option>
          ${actions.map((a) => html`<option key=${a.name} value=${a.name}>${a.description}</option>`)}
        </select>
      </div>
      <div class="filter">
        <label for="audit-actor" class="field-label">Person (user id)</label>
        <input id="audit-actor" class="input" data-testid="audit-actor" maxlength="128" value=${draft.actor} onInput=${set('actor')} />
      </div>
      <div class="filter">
        <label for="audit-from" class="field-label">From</label>
        <input id="audit-from" type="date" class="input" data-testid="audit-from" value=${draft.from} onInput=${set('from')} />
      </div>
      <div class="filter">
        <label for="audit-to" class="field-label">To</label>
        <input id="audit-to" type="date" class="input" data-testid="audit-to" value=${draft.to} onInput=${set('to')} />
      </div>
      <div class="filter audit-filter-buttons">
        <${Button} type="submit" class="btn btn-primary" data-testid="audit-apply">Apply<//>
        <${Button} data-testid="audit-reset" onClick=${reset}>Reset<//>
      </div>
    </form>
  `;
}

function Entry({ e, label, orgName, onActor }) {
  const { name, role } = who(e);
  const more = details(e);
  return html`
    <tr data-testid="audit-row" data-action=${e.action}>
      <td data-label="When" class="num">${formatDateTime(e.at)}</td>
      <td data-label="Who">
        ${e.actorUid
          ? html`<button type="button" class="link-btn" data-testid="audit-actor-link" aria-label=${`Only entries by ${name}`} onClick=${() => onActor(e.actorUid, name)}>${name}</button>`
          : html`<span>${name}</span>`}
        ${role ? html`<span class="muted small"> · ${role}</span>` : null}
        ${e.viewerUid ? html`<span class="muted small"> (staff viewing as them)</span>` : null}
      </td>
      <td data-label="Action"><span data-testid="audit-action-label">${label}</span>${more ? html`<span class="muted small audit-details">${more}</span>` : null}</td>
      <td data-label="Organisation">${orgName || e.orgId || '—'}</td>
      <td data-label="Target"><code class="small">${e.target || '—'}</code></td>
      <td data-label="From" class="small muted">${e.ip || '—'}</td>
    </tr>
  `;
}

export default function AuditPage(ctx) {
  const [filters, setFilters] = useState(EMPTY);
  const [actions, setActions] = useState([]);
  const pages = usePages(
    async (cursor, signal) => {
      const query = {
        orgId: filters.orgId,
        action: filters.action,
        actor: filters.actor.trim(),
        since: dayStart(filters.from),
        until: dayStart(filters.to, 1),
        cursor,
      };
      const res = await ctx.api.get('/api/audit', { query, signal });
      if (res.actions && res.actions.length) setActions(res.actions);
      return res;
    },
    [filters],
  );
  const labels = Object.fromEntries(actions.map((a) => [a.name, a.description]));
  const names = Object.fromEntries([[ctx.user.orgId, ctx.user.orgName], ...ctx.orgs.map((o) => [o.id, o.name])]);
  const byActor = (uid, name) => setFilters({ ...filters, actor: uid, actorLabel: name });
  const scope = ctx.isStaff ? 'Every sensitive action in the portal, newest first.' : `Sensitive actions in ${ctx.user.orgName || 'your organisation'}, newest first.`;
  return html`
    <${PageHeader} title="Audit log" subtitle=${scope} />
    <${Filters} key=${JSON.stringify(filters)} ctx=${ctx} filters=${filters} actions=${actions} onApply=${setFilters} />
    ${filters.actorLabel ? html`<p class="small" data-testid="audit-actor-filter">Showing entries by ${filters.actorLabel}. <button type="button" class="link-btn" onClick=${() => setFilters({ ...filters, actor: '', actorLabel: '' })}>Show everyone</button></p>` : null}
    <section class="card" aria-label="Audit entries"><div class="card-body">
      <${Load}
        resource=${pages}
        skeleton=${{ kind: 'rows', count: 6, label: 'Loading the audit log…' }}
        errorTitle="Could not load the audit log"
        isEmpty=${(d) => !d.items.length}
        empty=${html`<${EmptyState} title="No entries" text="Nothing matches these filters. Widen the dates or reset the filters." icon="activity" />`}
      >
        ${(d) => html`
          <p class="visually-hidden" role="status">${d.items.length} entries shown</p>
          <div class="table-wrap">
            <table class="table audit-table" data-testid="audit-table">
              <caption class="visually-hidden">Audit entries, newest first</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Organisation</th><th scope="col">Target</th><th scope="col">From</th></tr></thead>
              <tbody>
                ${d.items.map((e) => html`<${Entry} key=${e.id} e=${e} label=${labels[e.action] || e.action} orgName=${names[e.orgId]} onActor=${byActor} />`)}
              </tbody>
            </table>
          </div>
          <${LoadMore} pages=${pages} testid="audit-more" />
        `}
      <//>
    </div></section>
  `;
}
