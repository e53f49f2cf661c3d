// One client (staff): its contracts (GBU's, "contracts.read"), its details ("orgs.update"),
// its settings in one place, each with
// whether it is connected and when it last worked ("orgs.settings"; the Whop link is
// POST /api/billing/link, "billing.sync"), and archiving ("orgs.archive", admins). The
// Slack webhook is write-only: once saved it is never shown, only replaced or removed.

import { useState } from 'preact/hooks';
import { ContractsCard } from '../contracts.js';
import { html } from '../html.js';
import { Load, useResource } from '../load.js';
import { can } from '../state.js';
import { Badge, Button, ErrorState, Field, InlineError, PageHeader, formatDateTime, toast } from '../ui.js';
import { splitList } from './clients.js';

function useSave(run, done) {
  const [state, setState] = useState({ busy: false, error: '' });
  const save = async (event) => {
    if (event) event.preventDefault();
    setState({ busy: true, error: '' });
    try {
      const res = await run();
      setState({ busy: false, error: '' });
      done(res);
    } catch (err) {
      setState({ busy: false, error: err.message });
    }
  };
  return [state, save];
}

function DetailsForm({ org, api, onSaved }) {
  const [form, setForm] = useState({ name: org.name, logoUrl: org.logoUrl || '', domains: (org.emailDomains || []).join(', ') });
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const [state, save] = useSave(
    () => api.patch(`/api/orgs/${org.id}`, { name: form.name.trim(), logoUrl: form.logoUrl.trim() || null, emailDomains: splitList(form.domains) }),
    (res) => {
      toast('Client details saved.', 'success');
      onSaved(res);
    },
  );
  return html`
    <section class="card" aria-labelledby="details-title">
      <div class="card-body">
        <h2 id="details-title" class="section-title">Details</h2>
        <div class="error-slot"><${InlineError} message=${state.error} /></div>
        <form class="form" novalidate onSubmit=${save}>
          <${Field} id="org-name" label="Name"><input id="org-name" class="input" data-testid="org-name" value=${form.name} onInput=${set('name')} /><//>
          <${Field} id="org-logo" label="Logo URL"><input id="org-logo" class="input" type="url" value=${form.logoUrl} onInput=${set('logoUrl')} /><//>
          <${Field} id="org-domains" label="Email domains" hint="Comma-separated. Bookings are matched to this client by them."><input id="org-domains" class="input" data-testid="org-domains" value=${form.domains} onInput=${set('domains')} /><//>
          <${Button} type="submit" class="btn btn-primary" busy=${state.busy} busyLabel="Saving…" data-testid="org-save">Save details<//>
        </form>
      </div>
    </section>
  `;
}

function Status({ item, testid }) {
  const worked = item.lastWorkedAt ? `last worked ${formatDateTime(item.lastWorkedAt)}` : 'not used yet';
  return html`
    <p class="small" data-testid=${testid}>
      ${item.connected ? html`<${Badge} status="completed" label="Connected" />` : html`<${Badge} status="disabled" label="Not connected" />`}
      ${' '}<span class="muted">${item.connected ? worked : ''}${item.lastError ? ` · last error: ${item.lastError}` : ''}</span>
    </p>
  `;
}

function Setting({ title, item, testid, children }) {
  return html`
    <div class="setting" data-testid=${`setting-${testid}`}>
      <h3 class="subsection-title">${title}</h3>
      <${Status} item=${item} testid=${`status-${testid}`} />
      ${children}
    </div>
  `;
}

function SettingsPanel({ orgId, api }) {
  const settings = useResource((signal) => api.get(`/api/orgs/${orgId}/settings`, { signal }), [orgId]);
  return html`
    <section class="card" aria-labelledby="settings-title">
      <div class="card-body">
        <h2 id="settings-title" class="section-title">Settings</h2>
        <${Load} resource=${settings} skeleton=${{ kind: 'rows', count: 4, label: 'Loading settings…' }} errorTitle="Could not load settings">
          ${(s) => html`<${SettingsForms} s=${s} api=${api} orgId=${orgId} onSaved=${(next) => settings.setData(next)} />`}
        <//>
      </div>
    </section>
  `;
}

function SettingsForms({ s, api, orgId, onSaved }) {
  const [slack, setSlack] = useState('');
  const [drive, setDrive] = useState(s.drive.folderId || '');
  const [calendar, setCalendar] = useState(s.calendar.calendarId || '');
  const [links, setLinks] = useState((s.booking.links || []).map((l) => `${l.label} | ${l.url}`).join('\n'));
  const [membership, setMembership] = useState(s.whop.membershipId || '');
  const patch = (body, message) => async () => {
    const res = await api.patch(`/api/orgs/${orgId}/settings`, body);
    toast(message, 'success');
    return res;
  };
  const [slackState, saveSlack] = useSave(patch({ slackWebhookUrl: slack.trim() }, 'Slack channel saved.'), (res) => {
    setSlack('');
    onSaved(res);
  });
  const [removeState, removeSlack] = useSave(patch({ slackWebhookUrl: null }, 'Slack channel removed.'), onSaved);
  const bookingLinks = () =>
    links
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const [label, url] = line.includes('|') ? line.split('|').map((p) => p.trim()) : ['Book a meeting', line];
        return { label, url };
      });
  const [otherState, saveOther] = useSave(
    () => patch({ driveFolderId: drive.trim() || null, calendarId: calendar.trim() || null, bookingLinks: bookingLinks() }, 'Settings saved.')(),
    onSaved,
  );
  const [whopState, linkWhop] = useSave(
    async () => {
      await api.post('/api/billing/link', { orgId, membershipId: membership.trim() });
      toast('Whop membership linked.', 'success');
      return api.get(`/api/orgs/${orgId}/settings`);
    },
    onSaved,
  );
  return html`
    <${Setting} title="Whop membership" item=${s.whop} testid="whop">
      ${s.whop.membershipId ? html`<p class="small">Membership <code>${s.whop.membershipId}</code>${s.whop.status ? ` · ${s.whop.status}` : ''}</p>` : null}
      ${can('billing.sync')
        ? html`<form class="form" novalidate onSubmit=${linkWhop}>
            <${InlineError} message=${whopState.error} />
            <${Field} id="whop-membership" label="Membership id"><input id="whop-membership" class="input" placeholder="mem_…" value=${membership} onInput=${(e) => setMembership(e.currentTarget.value)} /><//>
            <div class="form-actions"><${Button} type="submit" busy=${whopState.busy} busyLabel="Linking…">Link and sync<//></div>
          </form>`
        : html`<p class="muted small">An admin links the Whop membership.</p>`}
    <//>
    <${Setting} title="Slack channel" item=${s.slack} testid="slack">
      <p class="muted small">${s.slack.connected ? `A webhook was saved ${formatDateTime(s.slack.savedAt)}. It is never shown again: paste a new one to replace it.` : 'Messages about this client also go to its own channel once an incoming-webhook URL is saved.'}</p>
      <form class="form" novalidate onSubmit=${saveSlack}>
        <${InlineError} message=${slackState.error || removeState.error} />
        <${Field} id="slack-url" label=${s.slack.connected ? 'New webhook URL' : 'Incoming-webhook URL'}><input id="slack-url" class="input" type="password" autocomplete="off" placeholder="https://hooks.slack.com/services/…" data-testid="slack-url" value=${slack} onInput=${(e) => setSlack(e.currentTarget.value)} /><//>
        <div class="form-actions">
          <${Button} type="submit" busy=${slackState.busy} busyLabel="Saving…" data-testid="slack-save" disabled=${!slack.trim()}>${s.slack.connected ? 'Replace' : 'Save'}<//>
          ${s.slack.connected ? html`<${Button} class="btn btn-danger-ghost" busy=${removeState.busy} busyLabel="Removing…" data-testid="slack-remove" onClick=${() => removeSlack()}>Remove<//>` : null}
        </div>
      </form>
    <//>
    <form class="form" novalidate onSubmit=${saveOther}>
      <${Setting} title="Drive folder" item=${s.drive} testid="drive">
        <${Field} id="drive-folder" label="Folder id" hint="The client’s Google Drive folder (files are stored there)."><input id="drive-folder" class="input" data-testid="drive-folder" value=${drive} onInput=${(e) => setDrive(e.currentTarget.value)} /><//>
      <//>
      <${Setting} title="Calendar" item=${s.calendar} testid="calendar">
        <${Field} id="calendar-id" label="Calendar id"><input id="calendar-id" class="input" data-testid="calendar-id" value=${calendar} onInput=${(e) => setCalendar(e.currentTarget.value)} /><//>
      <//>
      <${Setting} title="Booking links" item=${s.booking} testid="booking">
        <${Field} id="booking-links" label="Cal.com or Calendly pages" hint="One per line: Label | https://cal.com/…"><textarea id="booking-links" class="input" rows="3" data-testid="booking-links" value=${links} onInput=${(e) => setLinks(e.currentTarget.value)}></textarea><//>
      <//>
      <${InlineError} message=${otherState.error} />
      <${Button} type="submit" class="btn btn-primary" busy=${otherState.busy} busyLabel="Saving…" data-testid="settings-save">Save settings<//>
    </form>
  `;
}

function ArchiveCard({ org, api, onChanged }) {
  const [state, run] = useSave(
    async () => {
      if (!org.archived && !window.confirm(`Archive ${org.name}? Its people keep read-only access; nothing is deleted.`)) return null;
      return org.archived ? api.del(`/api/orgs/${org.id}/archive`) : api.post(`/api/orgs/${org.id}/archive`, {});
    },
    (res) => res && onChanged(res),
  );
  return html`
    <section class="card">
      <div class="card-body">
        <h2 class="section-title">${org.archived ? 'Archived' : 'Archive'}</h2>
        <p class="muted small">${org.archived ? `Archived ${formatDateTime(org.archivedAt)}: read-only for its people and hidden from lists.` : 'Archiving makes the portal read-only for the client’s people and hides it from lists. Data is kept; an admin can restore it.'}</p>
        <${InlineError} message=${state.error} />
        <${Button} class=${org.archived ? 'btn btn-secondary' : 'btn btn-danger-ghost'} busy=${state.busy} data-testid="org-archive" onClick=${() => run()}>${org.archived ? 'Restore client' : 'Archive client'}<//>
      </div>
    </section>
  `;
}

export default function ClientPage(ctx) {
  const orgId = ctx.params.id;
  const org = useResource((signal) => ctx.api.get(`/api/orgs/${orgId}`, { signal }), [orgId]);
  const changed = (next) => {
    org.setData(next);
    if (ctx.refreshOrgs) ctx.refreshOrgs();
  };
  return html`
    <${Load}
      resource=${org}
      skeleton=${{ kind: 'rows', count: 3, label: 'Loading the client…' }}
      onError=${(err) => html`<${PageHeader} title="Client" /><${ErrorState} error=${err} onRetry=${org.reload} title="Could not load the client" />`}
    >
      ${(o) => html`
        <${PageHeader}
          title=${o.name}
          subtitle=${o.archived ? 'Archived client' : 'Client'}
          actions=${html`<${Button} data-testid="client-team" onClick=${() => ctx.selectOrg(o.id, '/team')}>Team<//> <${Button} onClick=${() => ctx.selectOrg(o.id, '/projects')}>Projects<//>`}
        />
        <div class="team-grid">
          <div class="team-main">
            ${can('contracts.read') ? html`<${ContractsCard} api=${ctx.api} orgId=${o.id} showProject=${true} testid="client-contracts" emptyText="No contracts yet: GBU’s contracts for this client appear here as it reports them." />` : null}
            ${can('orgs.settings') ? html`<${SettingsPanel} orgId=${o.id} api=${ctx.api} />` : null}
          </div>
          <div class="team-side">
            ${can('orgs.update') ? html`<${DetailsForm} org=${o} api=${ctx.api} onSaved=${changed} />` : null}
            ${can('orgs.archive') ? html`<${ArchiveCard} org=${o} api=${ctx.api} onChanged=${changed} />` : null}
          </div>
        </div>
      `}
    <//>
  `;
}
