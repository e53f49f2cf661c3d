// Privacy and data: export one's own data (and, for a client's owner or staff, the
// organisation's), download ready archives, delete one's account; admins delete a client
// organisation and undo deletions during their grace period.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Load, useResource } from '../load.js';
import { can, isStaff } from '../state.js';
import { downloadFile } from '../transfer.js';
import { Badge, Button, Field, InlineError, PageHeader, formatDate, formatDateTime, toast } from '../ui.js';

const EXPORT_LABELS = { queued: 'Queued', running: 'Preparing', ready: 'Ready', failed: 'Failed', expired: 'Expired' };
const EXPORT_TONES = { queued: 'pending', running: 'pending', ready: 'completed', failed: 'failed', expired: 'expired' };
const REASON_LABELS = { self: 'Deleted their account', removed: 'Removed from the team', organisation: 'Organisation deleted' };

function size(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function ExportRow({ item }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      await downloadFile({ id: item.id, name: item.fileName, size: item.size, mimeType: 'application/zip', href: item.download });
    } catch (err) {
      toast(err.message, 'error');
    }
    setBusy(false);
  };
  return html`
    <tr data-testid="export-row">
      <td>${item.scope === 'me' ? 'My data' : item.orgName || item.orgId}</td>
      <td>${formatDateTime(item.createdAt)}</td>
      <td><${Badge} status=${EXPORT_TONES[item.status] || 'pending'} label=${EXPORT_LABELS[item.status] || item.status} data-testid="export-status" /></td>
      <td>${item.status === 'ready' ? html`${size(item.size)} · until ${formatDate(item.expiresAt)}` : item.error || '—'}</td>
      <td>${item.download
        ? html`<${Button} class="btn btn-secondary btn-sm" busy=${busy} busyLabel="Downloading…" onClick=${download} data-testid="export-download">Download<span class="visually-hidden"> ${item.fileName}</span><//>`
        : null}</td>
    </tr>
  `;
}

function Exports({ api, orgId, org, user }) {
  const res = useResource((signal) => api.get('/api/exports', { signal }), []);
  const { busy, error, run } = useSubmit();
  const waiting = (res.data?.items || []).some((e) => e.status === 'queued' || e.status === 'running');
  useEffect(() => {
    if (!waiting) return undefined;
    const timer = setInterval(() => res.reload(), 3000);
    return () => clearInterval(timer);
  }, [waiting]);
  const start = (scope) =>
    run(async () => {
      await api.post('/api/exports', scope === 'organisation' ? { scope, orgId: orgId || undefined } : { scope });
      toast('Your export is being prepared. It can take a few minutes.', 'success');
      res.reload();
    }, scope);
  const staff = isStaff(user);
  const orgName = staff ? org && org.name : user.orgName;
  return html`
    <section class="card" aria-labelledby="export-title">
      <div class="card-head"><h2 id="export-title" class="section-title">Export data</h2></div>
      <div class="card-body">
        <p class="muted">An archive (zip) with JSON for everything and CSV tables to open in a spreadsheet. It is kept for a few days, then deleted.</p>
        <div class="form-actions">
          <${Button} class="btn btn-primary" busy=${busy === 'me'} busyLabel="Asking…" onClick=${() => start('me')} data-testid="export-me">Export my data<//>
          ${can('orgs.export')
            ? orgName
              ? html`<${Button} busy=${busy === 'organisation'} busyLabel="Asking…" onClick=${() => start('organisation')} data-testid="export-org">Export ${orgName}’s data<//>`
              : html`<p class="muted small" data-testid="export-org-hint">Choose a client in the organisation menu to export its data.</p>`
            : null}
        </div>
        <${InlineError} message=${error} />
        <${Load} resource=${res} skeleton=${{ kind: 'rows', count: 2, label: 'Loading your exports…' }} errorTitle="Could not load your exports"
          isEmpty=${(d) => !d.items.length} empty=${html`<p class="muted" data-testid="exports-empty">You have not exported anything yet.</p>`}>
          ${(data) => html`
            <div class="table-wrap">
              <table class="table" data-testid="exports-table">
                <caption class="visually-hidden">Your exports</caption>
                <thead><tr><th scope="col">What</th><th scope="col">Asked</th><th scope="col">Status</th><th scope="col">Details</th><th scope="col"><span class="visually-hidden">Download</span></th></tr></thead>
                <tbody>${data.items.map((item) => html`<${ExportRow} key=${item.id} item=${item} />`)}</tbody>
              </table>
            </div>
          `}
        <//>
      </div>
    </section>
  `;
}

function AccountDeleted({ user, done, signOut }) {
  const note = useRef(null);
  const [leaving, setLeaving] = useState(false);
  useEffect(() => note.current?.focus(), []);
  const leave = async () => {
    setLeaving(true);
    if (!(await signOut())) location.assign('/login');
  };
  return html`
    <section class="card" aria-labelledby="delete-title">
      <div class="card-head"><h2 id="delete-title" class="section-title">Your account is deleted</h2></div>
      <div class="card-body">
        <div ref=${note} tabindex="-1" class="alert alert-info" role="status" data-testid="delete-done">
          ${done.restoreMailed
            ? html`We mailed a link to <strong>${user.email}</strong>. Open it before ${formatDateTime(done.deletion.purgeAfter)} to restore your account yourself; after that your account and personal data are deleted for good.`
            : html`Mail is not connected, so no restore link could be sent. Until ${formatDateTime(done.deletion.purgeAfter)} an administrator can restore your account; after that it is deleted for good.`}
        </div>
        <div class="form-actions">
          <${Button} class="btn btn-secondary" busy=${leaving} busyLabel="Signing out…" onClick=${leave} data-testid="delete-done-leave">Sign out<//>
        </div>
      </div>
    </section>
  `;
}

function DeleteAccount({ api, user, accountClosing, signOut }) {
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(null);
  const { busy, error, run } = useSubmit();
  const submit = async (event) => {
    event.preventDefault();
    await run(async () => {
      // Once the account is disabled every request answers 401, some before this one does.
      accountClosing(true);
      try {
        setDone(await api.post('/api/deletions', { scope: 'me', confirm }));
      } catch (err) {
        accountClosing(false);
        throw err;
      }
    });
  };
  if (done) return html`<${AccountDeleted} user=${user} done=${done} signOut=${signOut} />`;
  return html`
    <section class="card" aria-labelledby="delete-title">
      <div class="card-head"><h2 id="delete-title" class="section-title">Delete your account</h2></div>
      <form class="card-body form" onSubmit=${submit} data-testid="delete-account-form">
        <p class="muted">You are signed out at once and cannot sign in again. We mail you a link that restores the account until the grace period ends; after that your account and personal data are deleted; your messages and comments stay for the others, shown as from a “Former member”, and approval decisions keep who decided. Until then an administrator can restore the account too.</p>
        <${Field} id="delete-confirm" label="Type your email address to confirm" hint=${user.email}>
          <input id="delete-confirm" class="input" type="email" autocomplete="off" value=${confirm} onInput=${(e) => setConfirm(e.currentTarget.value)} data-testid="delete-confirm" />
        <//>
        <${InlineError} message=${error} />
        <div class="form-actions">
          <${Button} type="submit" class="btn btn-danger" busy=${busy} busyLabel="Deleting…" disabled=${confirm.trim().toLowerCase() !== user.email.toLowerCase()} data-testid="delete-account">Delete my account<//>
        </div>
      </form>
    </section>
  `;
}

function DeleteOrg({ api, org, onDone }) {
  const [confirm, setConfirm] = useState('');
  const { busy, error, run } = useSubmit();
  const submit = async (event) => {
    event.preventDefault();
    await run(async () => {
      await api.post('/api/deletions', { scope: 'organisation', orgId: org.id, confirm });
      toast(`${org.name} will be deleted after the grace period.`, 'success');
      setConfirm('');
      onDone();
    });
  };
  return html`
    <form class="form" onSubmit=${submit} data-testid="delete-org-form">
      <p class="muted">Every account of ${org.name} is disabled and the organisation becomes read-only at once; after the grace period all its data, files and accounts are deleted.</p>
      <${Field} id="delete-org-confirm" label=${`Type “${org.name}” to confirm`}>
        <input id="delete-org-confirm" class="input" autocomplete="off" value=${confirm} onInput=${(e) => setConfirm(e.currentTarget.value)} data-testid="delete-org-confirm" />
      <//>
      <${InlineError} message=${error} />
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-danger" busy=${busy} busyLabel="Deleting…" disabled=${confirm.trim() !== org.name} data-testid="delete-org">Delete ${org.name}<//>
      </div>
    </form>
  `;
}

function Deletions({ api, org }) {
  const res = useResource((signal) => api.get('/api/deletions', { signal }), []);
  const undo = async (item) => {
    try {
      await api.del(`/api/deletions/${encodeURIComponent(item.id)}`);
      toast('Restored.', 'success');
      res.reload();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  return html`
    <section class="card" aria-labelledby="deletions-title">
      <div class="card-head"><h2 id="deletions-title" class="section-title">Deletions in their grace period</h2></div>
      <div class="card-body">
        ${org ? html`<${DeleteOrg} api=${api} org=${org} onDone=${res.reload} />` : html`<p class="muted small">Choose a client in the organisation menu to delete it.</p>`}
        <${Load} resource=${res} skeleton=${{ kind: 'rows', count: 2, label: 'Loading deletions…' }} errorTitle="Could not load deletions"
          isEmpty=${(d) => !d.items.length} empty=${html`<p class="muted" data-testid="deletions-empty">Nothing is waiting to be deleted.</p>`}>
          ${(data) => html`
            <div class="table-wrap">
              <table class="table" data-testid="deletions-table">
                <caption class="visually-hidden">Deletions in their grace period</caption>
                <thead><tr><th scope="col">Who or what</th><th scope="col">Why</th><th scope="col">Purged on</th><th scope="col"><span class="visually-hidden">Undo</span></th></tr></thead>
                <tbody>
                  ${data.items.map((d) => html`
                    <tr key=${d.id} data-testid="deletion-row">
                      <td>${d.kind === 'org' ? d.orgName || d.orgId : d.email}</td>
                      <td>${REASON_LABELS[d.reason] || d.reason}</td>
                      <td>${formatDate(d.purgeAfter)}</td>
                      <td><button type="button" class="btn btn-secondary btn-sm" onClick=${() => undo(d)} data-testid="deletion-undo">Undo<span class="visually-hidden"> for ${d.kind === 'org' ? d.orgName : d.email}</span></button></td>
                    </tr>
                  `)}
                </tbody>
              </table>
            </div>
          `}
        <//>
      </div>
    </section>
  `;
}

export default function PrivacyPage({ api, user, orgId, org, accountClosing, signOut }) {
  const client = org && org.kind !== 'agency' ? org : null;
  return html`
    <${PageHeader} title="Privacy and data" subtitle="Take your data with you, or leave. The README's “Security and privacy” section says what is kept, and for how long." />
    <div class="privacy-stack">
      <${Exports} api=${api} orgId=${orgId} org=${client} user=${user} />
      ${can('account.delete') ? html`<${DeleteAccount} api=${api} user=${user} accountClosing=${accountClosing} signOut=${signOut} />` : null}
      ${can('deletions.manage', 'agency') ? html`<${Deletions} api=${api} org=${client} />` : null}
    </div>
  `;
}
