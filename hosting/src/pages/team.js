// Team: the organisation's members, its pending invitations and an invite form.
// Client owners manage their own organisation; staff manage the client chosen in
// the switcher ("All clients" shows the agency's own team). Who may invite and
// remove comes from the policy (capabilities "members.invite", "members.remove"); client
// owners and admins reset a person's two-factor sign-in ("members.reset_factors") and give a
// client's member billing access or take it back ("members.grant"); whoever else sees a
// client's team sees who has billing access.

import { useRef, useState } from 'preact/hooks';
import { CLIENT_ROLES, EMAIL_RE, ROLE_HINTS, ROLE_LABELS, STAFF_ROLES } from '../constants.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { can, displayName, initials } from '../state.js';
import { ViewAsButton } from '../viewas.js';
import { Badge, Button, EmptyState, Field, InlineError, PageHeader, formatDate, formatDateTime, toast } from '../ui.js';

function RoleControl({ m, roles, api, onChanged }) {
  const [busy, setBusy] = useState(false);
  const change = async (e) => {
    const role = e.currentTarget.value;
    setBusy(true);
    try {
      await api.patch(`/api/members/${encodeURIComponent(m.uid)}`, { role });
      toast(`${displayName(m)} is now ${ROLE_LABELS[role] || role}.`, 'success');
      onChanged();
    } catch (err) {
      toast(err.message, 'error');
    }
    setBusy(false);
  };
  return html`
    <label class="sr-only" for=${`role-${m.uid}`}>Role of ${displayName(m)}</label>
    <select id=${`role-${m.uid}`} class="select select-sm" data-testid="member-role" disabled=${busy} value=${m.role} onChange=${change}>
      ${roles.map((r) => html`<option key=${r} value=${r}>${ROLE_LABELS[r] || r}</option>`)}
    </select>
  `;
}

/**
 * A client member's billing access, as a switch (client owners and admins: "members.grant").
 * Changing it ends the person's sessions, so it applies at once; `onChanged(member)` gets the
 * member as the server now has it.
 */
function BillingAccessSwitch({ m, name, api, onChanged }) {
  const [pending, setPending] = useState(null);
  const checked = pending === null ? Boolean(m.billingAccess) : pending;
  const id = `billing-${m.uid}`;
  const change = async (e) => {
    const granted = e.currentTarget.checked;
    setPending(granted);
    try {
      const out = await api.patch(`/api/members/${encodeURIComponent(m.uid)}`, { billingAccess: granted });
      onChanged(out.member);
      if (!out.changed) toast(granted ? `${name} already had billing access.` : `${name} had no billing access.`, 'info');
      else if (granted) toast(`${name} now has billing access: they were signed out, and see billing when they sign in again.`, 'success');
      else toast(`${name} no longer has billing access: they were signed out.`, 'success');
    } catch (err) {
      toast(err.message, 'error');
    }
    setPending(null);
  };
  return html`
    <label for=${id} class="switch switch-sm member-billing">
      <input type="checkbox" id=${id} class="switch-input" checked=${checked} disabled=${pending !== null} aria-label=${`Billing access for ${name}`} data-testid="member-billing-access" onChange=${change} />
      <span class="switch-track" aria-hidden="true"></span><span>Billing access</span>
    </label>
  `;
}

/** A lost phone: every second factor of the person goes, and their sessions end (confirmed first). */
function ResetFactorsButton({ m, name, api }) {
  const [busy, setBusy] = useState(false);
  const reset = async () => {
    const ask = `Reset the two-factor sign-in of ${name} (${m.email})? Every phone they enrolled is removed and they are signed out everywhere. Do this only once you are sure it is them asking (for example, they lost their phone).`;
    if (!window.confirm(ask)) return;
    setBusy(true);
    try {
      const out = await api.post(`/api/members/${encodeURIComponent(m.uid)}/second-factors/reset`, {});
      if (!out.removed) toast(`${name} had no second factor to reset.`, 'info');
      else toast(`${name}’s two-factor sign-in was reset${out.mailed ? '; we emailed them' : ''}. They sign in with their password and enrol a phone again.`, 'success');
    } catch (err) {
      toast(err.message, 'error');
    }
    setBusy(false);
  };
  return html`<${Button} class="btn btn-secondary btn-sm" busy=${busy} busyLabel="Resetting…" data-testid="member-reset-factors" aria-label=${`Reset two-factor sign-in of ${name}`} onClick=${reset}>Reset two-factor<//>`;
}

function MemberRow({ m, self, canRemove, canReset, canGrant, clientView, roles, orgName, onRemoved, onUpdated, api }) {
  const [busy, setBusy] = useState(false);
  const name = displayName(m);
  const remove = async () => {
    if (!window.confirm(`Remove ${name} (${m.email}) from ${orgName}? They lose access to the portal immediately.`)) return;
    setBusy(true);
    try {
      await api.del(`/api/members/${encodeURIComponent(m.uid)}`);
    } catch (err) {
      setBusy(false);
      toast(err.message, 'error');
      return;
    }
    toast(`${name} was removed.`, 'success');
    onRemoved();
  };
  const removable = canRemove && !self && !m.disabled;
  const viewable = can('view_as') && !self && !m.disabled && CLIENT_ROLES.includes(m.role);
  const resettable = canReset && !self && !m.disabled;
  // Billing access is a client member's to be given; owners see billing by their role.
  const grantable = canGrant && clientView && !self && !m.disabled && m.role === 'client_member';
  const billing = grantable
    ? html`<${BillingAccessSwitch} m=${m} name=${name} api=${api} onChanged=${onUpdated} />`
    : clientView && !m.disabled && m.billingAccess
      ? html`<span class="small member-billing" data-testid="member-billing">${m.role === 'client_member' ? 'Billing access' : 'Sees billing (owner)'}</span>`
      : null;
  return html`
    <li class=${`row${m.disabled ? ' is-disabled' : ''}`} data-testid="member-row">
      <span class="avatar" aria-hidden="true">${initials(m)}</span>
      <div class="row-main"><span class="row-title">${name}${self ? html`<span class="muted"> (you)</span>` : null}</span>${name !== m.email ? html`<span class="row-sub">${m.email}</span>` : null}</div>
      <div class="row-meta">
        ${!m.disabled && !self && roles.length && roles.includes(m.role) ? html`<${RoleControl} m=${m} roles=${roles} api=${api} onChanged=${onRemoved} />` : m.disabled ? html`<${Badge} status="disabled" label="Removed" />` : html`<${Badge} status=${m.role.startsWith('aj_') ? 'active' : 'planning'} label=${ROLE_LABELS[m.role] || m.role} />`}
        ${billing}
        ${m.lastLogin ? html`<span class="muted small row-when">Last seen ${formatDate(m.lastLogin)}</span>` : null}
      </div>
      ${removable || viewable || resettable
        ? html`<div class="row-actions row-actions-wrap">
            ${removable ? html`<${Button} class="btn btn-danger-ghost btn-sm" busy=${busy} busyLabel="Removing…" data-testid="member-remove" aria-label=${`Remove ${name}`} onClick=${remove}>Remove<//>` : null}
            ${viewable ? html`<${ViewAsButton} api=${api} member=${m} name=${name} />` : null}
            ${resettable ? html`<${ResetFactorsButton} m=${m} name=${name} api=${api} />` : null}
          </div>`
        : null}
    </li>
  `;
}

function InviteRow({ invite, orgId, onRevoked, api }) {
  const [busy, setBusy] = useState(false);
  const revoke = async () => {
    setBusy(true);
    try {
      await api.post(`/api/invites/${encodeURIComponent(invite.id)}/revoke`, {}, { query: { orgId: invite.orgId || orgId } });
    } catch (err) {
      setBusy(false);
      toast(err.message, 'error');
      return;
    }
    toast(`The invitation for ${invite.email} was revoked.`, 'success');
    onRevoked();
  };
  return html`
    <li class="row" data-testid="invite-row">
      <span class="avatar avatar-pending" aria-hidden="true"><${Icon} name="mail" /></span>
      <div class="row-main"><span class="row-title">${invite.email}</span><span class="row-sub">${ROLE_LABELS[invite.role] || invite.role} · expires ${formatDateTime(invite.expiresAt)}${invite.invitedBy ? ` · by ${invite.invitedBy}` : ''}</span></div>
      <div class="row-meta"><${Badge} status="pending" /></div>
      <div class="row-actions"><${Button} class="btn btn-secondary btn-sm" busy=${busy} busyLabel="Revoking…" data-testid="invite-revoke" aria-label=${`Revoke the invitation for ${invite.email}`} onClick=${revoke}>Revoke<//></div>
    </li>
  `;
}

function Invites({ items, orgId, onChange, api }) {
  const sorted = items.slice().sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
  const pending = sorted.filter((i) => i.status === 'pending');
  const past = sorted.filter((i) => i.status !== 'pending');
  return html`
    ${pending.length ? html`<ul class="rows">${pending.map((i) => html`<${InviteRow} key=${i.id} invite=${i} orgId=${orgId} onRevoked=${onChange} api=${api} />`)}</ul>` : html`<p class="muted">No pending invitations.</p>`}
    ${past.length
      ? html`
          <details class="past-invites">
            <summary>Past invitations (${past.length})</summary>
            <ul class="rows">
              ${past.map(
                (i) => html`<li key=${i.id} class="row">
                  <div class="row-main"><span class="row-title">${i.email}</span><span class="row-sub">${ROLE_LABELS[i.role] || i.role} · invited ${formatDate(i.createdAt)}</span></div>
                  <div class="row-meta"><${Badge} status=${i.status} /></div>
                </li>`,
              )}
            </ul>
          </details>
        `
      : null}
  `;
}

function InviteLink({ res }) {
  const link = useRef(null);
  const invite = res.invite || {};
  const copy = async () => {
    link.current.select();
    try {
      await navigator.clipboard.writeText(link.current.value);
      toast('Link copied to the clipboard.', 'success');
    } catch {
      toast('Press Ctrl+C (or ⌘C) to copy the selected link.', 'info');
    }
  };
  return html`
    <div class="invite-result" role="status">
      <p class="invite-result-title">Invitation created</p>
      <p class="small">Send this link to ${invite.email}. It works once${invite.expiresAt ? ` and expires ${formatDateTime(invite.expiresAt)}` : ''}.</p>
      <div class="copy-row">
        <input ref=${link} id="invite-link" class="input input-mono" type="text" readonly value=${res.inviteUrl} data-testid="invite-link" aria-label="Invitation link" onFocus=${(e) => e.currentTarget.select()} />
        <button type="button" class="btn btn-secondary" data-testid="invite-copy" onClick=${copy}><${Icon} name="copy" />Copy</button>
      </div>
    </div>
  `;
}

function InviteForm({ roles, orgId, orgName, onInvited, api }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(roles[0]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(null);
  const input = useRef(null);
  const submit = async (event) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL_RE.test(value)) {
      setError('Enter a valid email address.');
      input.current.focus();
      return;
    }
    setError('');
    setBusy(true);
    try {
      const res = await api.post('/api/invites', { email: value, role, orgId });
      setEmail('');
      setCreated(res);
      onInvited();
    } catch (err) {
      setError(err.message);
    }
    setBusy(false);
  };
  return html`
    <section class="card" aria-labelledby="invite-title">
      <div class="card-body">
        <h2 id="invite-title" class="section-title">Invite someone</h2>
        <p class="muted small">They get a single-use link to join ${orgName}. Send it to them yourself.</p>
        <div class="error-slot"><${InlineError} message=${error} /></div>
        <form class="form" novalidate onSubmit=${submit}>
          <${Field} id="invite-email" label="Email">
            <input ref=${input} id="invite-email" type="email" class="input" autocomplete="off" required placeholder="name@company.com" value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} data-testid="invite-email" />
          <//>
          <${Field} id="invite-role" label="Role" hint=${ROLE_HINTS[role]}>
            <select id="invite-role" class="select" data-testid="invite-role" value=${role} onChange=${(e) => setRole(e.currentTarget.value)}>
              ${roles.map((r) => html`<option key=${r} value=${r}>${ROLE_LABELS[r]}</option>`)}
            </select>
          <//>
          <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy} busyLabel="Creating…" data-testid="invite-submit">Create invitation<//>
        </form>
        <div class="invite-result-slot" aria-live="polite">${created ? html`<${InviteLink} res=${created} />` : null}</div>
      </div>
    </section>
  `;
}

export default function TeamPage(ctx) {
  const agencyView = ctx.isStaff && !ctx.orgId;
  const scope = agencyView ? 'agency' : 'clients';
  const orgId = ctx.orgId || ctx.user.orgId;
  const orgName = ctx.org ? ctx.org.name : ctx.user.orgName || (agencyView ? 'The agency' : 'Your organisation');
  const roles = can('members.invite', scope) ? (agencyView ? STAFF_ROLES : CLIENT_ROLES) : [];
  const canRemove = can('members.remove', scope);
  const canReset = can('members.reset_factors', scope);
  const canGrant = !agencyView && can('members.grant', scope);
  // Changing a role (admins: "members.set_role"), among the roles of this organisation.
  const roleChoices = can('members.set_role', scope) ? (agencyView ? STAFF_ROLES : CLIENT_ROLES) : [];
  const members = useResource((signal) => ctx.api.get('/api/members', { query: { orgId }, signal }), [orgId]);
  const invites = useResource((signal) => ctx.api.get('/api/invites', { query: { orgId }, signal }), [orgId]);

  const subtitle = agencyView
    ? `${orgName} · the agency’s own team. Choose a client in the organisation switcher to manage that client’s people.`
    : `People with access to ${orgName}’s portal.`;
  const updateMember = (member) =>
    members.setData((d) => ({ ...d, items: d.items.map((x) => (x.uid === member.uid ? { ...x, billingAccess: member.billingAccess } : x)) }));
  const sortMembers = (items) => items.slice().sort((a, b) => Number(a.disabled) - Number(b.disabled) || displayName(a).localeCompare(displayName(b)));
  return html`
    <${PageHeader} title="Team" subtitle=${subtitle} />
    <div class="team-grid">
      <div class="team-main">
        <section class="card" aria-labelledby="members-title">
          <div class="card-head"><h2 id="members-title" class="section-title">Members</h2></div>
          <div class="card-body">
            ${canGrant ? html`<p class="muted small" data-testid="billing-access-hint">Owners see billing. Give a member billing access (a finance contact, say) with the switch on their row; a change signs them out so that it applies at once.</p>` : null}
            <${Load}
              resource=${members}
              skeleton=${{ kind: 'rows', count: 3, label: 'Loading members…' }}
              errorTitle="Could not load members"
              isEmpty=${(d) => !(d.items || []).length}
              empty=${html`<${EmptyState} title="No members yet" text="Invite someone to give them access." icon="team" />`}
            >
              ${(data) => html`<ul class="rows">${sortMembers(data.items).map((m) => html`<${MemberRow} key=${m.uid} m=${m} self=${m.uid === ctx.user.uid} canRemove=${canRemove} canReset=${canReset} canGrant=${canGrant} clientView=${!agencyView} roles=${roleChoices} orgName=${orgName} onRemoved=${members.reload} onUpdated=${updateMember} api=${ctx.api} />`)}</ul>`}
            <//>
          </div>
        </section>
        <section class="card" aria-labelledby="invites-title">
          <div class="card-head"><h2 id="invites-title" class="section-title">Pending invitations</h2></div>
          <div class="card-body">
            <${Load} resource=${invites} skeleton=${{ kind: 'rows', count: 2, label: 'Loading invitations…' }} errorTitle="Could not load invitations">
              ${(data) => html`<${Invites} items=${data.items || []} orgId=${orgId} onChange=${invites.reload} api=${ctx.api} />`}
            <//>
          </div>
        </section>
      </div>
      <div class="team-side">
        ${roles.length
          ? html`<${InviteForm} roles=${roles} orgId=${orgId} orgName=${orgName} onInvited=${invites.reload} api=${ctx.api} />`
          : html`<section class="card"><div class="card-body"><h2 class="section-title">Invite someone</h2><p class="muted">${agencyView ? 'Only agency admins can invite staff. To invite someone to a client, choose the client in the organisation switcher.' : 'Your role cannot invite people.'}</p></div></section>`}
      </div>
    </div>
  `;
}
