// Team: the organisation's members, its pending invitations and an invite form.
// Client owners manage their own organisation; staff manage the client chosen in
// the switcher ("All clients" shows the agency's own team).

import { h, icon, mount } from '../dom.js';
import { ROLE_LABELS, displayName, initials } from '../state.js';
import { badge, busy, emptyState, errorState, formatDate, formatDateTime, inlineError, pageHeader, skeleton, toast } from '../ui.js';

const CLIENT_ROLES = ['client_member', 'client_owner'];
const STAFF_ROLES = ['aj_ops', 'aj_admin'];
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Roles the caller may invite into the organisation in view (the server decides too). */
function inviteRoles(user, agencyView) {
  if (agencyView) return user.role === 'aj_admin' ? STAFF_ROLES : [];
  if (user.role === 'client_member') return [];
  return CLIENT_ROLES;
}

function mayRemove(user, agencyView) {
  if (user.role === 'aj_admin' || user.role === 'client_owner') return true;
  return user.role === 'aj_ops' && !agencyView;
}

export async function render(container, ctx) {
  const agencyView = ctx.isStaff && !ctx.orgId;
  const orgId = ctx.orgId || ctx.user.orgId;
  const orgName = ctx.org ? ctx.org.name : ctx.user.orgName || (agencyView ? 'The agency' : 'Your organisation');
  const roles = inviteRoles(ctx.user, agencyView);
  const canRemove = mayRemove(ctx.user, agencyView);

  const subtitle = agencyView ? `${orgName} · the agency’s own team. Choose a client in the organisation switcher to manage that client’s people.` : `People with access to ${orgName}’s portal.`;
  const membersBody = h('div', { class: 'card-body' });
  const invitesBody = h('div', { class: 'card-body' });
  const inviteCard = roles.length ? inviteForm() : h('section', { class: 'card' }, h('div', { class: 'card-body' }, h('h2', { class: 'section-title' }, 'Invite someone'), h('p', { class: 'muted' }, agencyView ? 'Only agency admins can invite staff. To invite someone to a client, choose the client in the organisation switcher.' : 'Your role cannot invite people.')));

  mount(
    container,
    pageHeader('Team', subtitle),
    h(
      'div',
      { class: 'team-grid' },
      h(
        'div',
        { class: 'team-main' },
        h('section', { class: 'card', 'aria-labelledby': 'members-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'members-title', class: 'section-title' }, 'Members')), membersBody),
        h('section', { class: 'card', 'aria-labelledby': 'invites-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'invites-title', class: 'section-title' }, 'Pending invitations')), invitesBody),
      ),
      h('div', { class: 'team-side' }, inviteCard),
    ),
  );

  async function loadMembers() {
    mount(membersBody, skeleton('rows', 3, 'Loading members…'));
    let data;
    try {
      data = await ctx.api.get('/api/members', { query: { orgId }, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      mount(membersBody, errorState(err, loadMembers, 'Could not load members'));
      return;
    }
    if (ctx.signal.aborted) return;
    const members = (data.items || []).slice().sort((a, b) => Number(a.disabled) - Number(b.disabled) || displayName(a).localeCompare(displayName(b)));
    if (!members.length) {
      mount(membersBody, emptyState('No members yet', 'Invite someone to give them access.', 'team'));
      return;
    }
    mount(membersBody, h('ul', { class: 'rows' }, members.map(memberRow)));
  }

  function memberRow(m) {
    const isSelf = m.uid === ctx.user.uid;
    const name = displayName(m);
    const removeBtn =
      canRemove && !isSelf && !m.disabled
        ? h('button', { type: 'button', class: 'btn btn-danger-ghost btn-sm', 'data-testid': 'member-remove', 'aria-label': `Remove ${name}` }, 'Remove')
        : null;
    if (removeBtn) {
      removeBtn.addEventListener('click', async () => {
        if (!window.confirm(`Remove ${name} (${m.email}) from ${orgName}? They lose access to the portal immediately.`)) return;
        const restore = busy(removeBtn, 'Removing…');
        try {
          await ctx.api.del(`/api/members/${encodeURIComponent(m.uid)}`);
        } catch (err) {
          restore();
          toast(err.message, 'error');
          return;
        }
        toast(`${name} was removed.`, 'success');
        loadMembers();
      });
    }
    return h(
      'li',
      { class: `row${m.disabled ? ' is-disabled' : ''}`, 'data-testid': 'member-row' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(m)),
      h('div', { class: 'row-main' }, h('span', { class: 'row-title' }, name, isSelf ? h('span', { class: 'muted' }, ' (you)') : null), name !== m.email ? h('span', { class: 'row-sub' }, m.email) : null),
      h('div', { class: 'row-meta' }, m.disabled ? badge('disabled', 'Removed') : badge(m.role.startsWith('aj_') ? 'active' : 'planning', ROLE_LABELS[m.role] || m.role), m.lastLogin ? h('span', { class: 'muted small row-when' }, `Last seen ${formatDate(m.lastLogin)}`) : null),
      removeBtn ? h('div', { class: 'row-actions' }, removeBtn) : null,
    );
  }

  async function loadInvites() {
    mount(invitesBody, skeleton('rows', 2, 'Loading invitations…'));
    let data;
    try {
      data = await ctx.api.get('/api/invites', { query: { orgId }, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      mount(invitesBody, errorState(err, loadInvites, 'Could not load invitations'));
      return;
    }
    if (ctx.signal.aborted) return;
    const items = (data.items || []).slice().sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    const pending = items.filter((i) => i.status === 'pending');
    const past = items.filter((i) => i.status !== 'pending');
    mount(
      invitesBody,
      pending.length ? h('ul', { class: 'rows' }, pending.map(inviteRow)) : h('p', { class: 'muted' }, 'No pending invitations.'),
      past.length
        ? h(
            'details',
            { class: 'past-invites' },
            h('summary', null, `Past invitations (${past.length})`),
            h(
              'ul',
              { class: 'rows' },
              past.map((i) => h('li', { class: 'row' }, h('div', { class: 'row-main' }, h('span', { class: 'row-title' }, i.email), h('span', { class: 'row-sub' }, `${ROLE_LABELS[i.role] || i.role} · invited ${formatDate(i.createdAt)}`)), h('div', { class: 'row-meta' }, badge(i.status)))),
            ),
          )
        : null,
    );
  }

  function inviteRow(invite) {
    const revoke = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'invite-revoke', 'aria-label': `Revoke the invitation for ${invite.email}` }, 'Revoke');
    revoke.addEventListener('click', async () => {
      const restore = busy(revoke, 'Revoking…');
      try {
        await ctx.api.post(`/api/invites/${encodeURIComponent(invite.id)}/revoke`, {}, { query: { orgId: invite.orgId || orgId } });
      } catch (err) {
        restore();
        toast(err.message, 'error');
        return;
      }
      toast(`The invitation for ${invite.email} was revoked.`, 'success');
      loadInvites();
    });
    return h(
      'li',
      { class: 'row', 'data-testid': 'invite-row' },
      h('span', { class: 'avatar avatar-pending', 'aria-hidden': 'true' }, icon('mail')),
      h('div', { class: 'row-main' }, h('span', { class: 'row-title' }, invite.email), h('span', { class: 'row-sub' }, `${ROLE_LABELS[invite.role] || invite.role} · expires ${formatDateTime(invite.expiresAt)}${invite.invitedBy ? ` · by ${invite.invitedBy}` : ''}`)),
      h('div', { class: 'row-meta' }, badge('pending')),
      h('div', { class: 'row-actions' }, revoke),
    );
  }

  function inviteForm() {
    const email = h('input', { id: 'invite-email', type: 'email', class: 'input', autocomplete: 'off', required: true, placeholder: 'name@company.com', 'data-testid': 'invite-email' });
    const role = h('select', { id: 'invite-role', class: 'select', 'data-testid': 'invite-role' }, roles.map((r) => h('option', { value: r }, ROLE_LABELS[r])));
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'invite-submit' }, 'Create invitation');
    const errorSlot = h('div', { class: 'error-slot' });
    const result = h('div', { class: 'invite-result-slot', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      h('div', { class: 'field' }, h('label', { for: 'invite-email', class: 'field-label' }, 'Email'), email),
      h('div', { class: 'field' }, h('label', { for: 'invite-role', class: 'field-label' }, 'Role'), role, h('p', { class: 'field-hint' }, roleHint(roles[0]))),
      submit,
    );
    role.addEventListener('change', () => {
      form.querySelector('.field-hint').textContent = roleHint(role.value);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = email.value.trim();
      if (!EMAIL_RE.test(value)) {
        mount(errorSlot, inlineError('Enter a valid email address.'));
        email.focus();
        return;
      }
      mount(errorSlot);
      const restore = busy(submit, 'Creating…');
      let res;
      try {
        res = await ctx.api.post('/api/invites', { email: value, role: role.value, orgId });
      } catch (err) {
        restore();
        if (ctx.signal.aborted) return;
        mount(errorSlot, inlineError(err.message));
        return;
      }
      restore();
      email.value = '';
      showLink(result, res);
      loadInvites();
    });
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'invite-title' },
      h('div', { class: 'card-body' }, h('h2', { id: 'invite-title', class: 'section-title' }, 'Invite someone'), h('p', { class: 'muted small' }, `They get a single-use link to join ${orgName}. Send it to them yourself.`), errorSlot, form, result),
    );
  }

  function showLink(slot, res) {
    const link = h('input', { id: 'invite-link', class: 'input input-mono', type: 'text', readonly: true, value: res.inviteUrl, 'data-testid': 'invite-link', 'aria-label': 'Invitation link' });
    const copy = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'invite-copy' }, icon('copy'), 'Copy');
    copy.addEventListener('click', async () => {
      link.select();
      try {
        await navigator.clipboard.writeText(link.value);
        toast('Link copied to the clipboard.', 'success');
      } catch {
        toast('Press Ctrl+C (or ⌘C) to copy the selected link.', 'info');
      }
    });
    link.addEventListener('focus', () => link.select());
    const invite = res.invite || {};
    mount(
      slot,
      h(
        'div',
        { class: 'invite-result', role: 'status' },
        h('p', { class: 'invite-result-title' }, 'Invitation created'),
        h('p', { class: 'small' }, `Send this link to ${invite.email}. It works once${invite.expiresAt ? ` and expires ${formatDateTime(invite.expiresAt)}` : ''}.`),
        h('div', { class: 'copy-row' }, link, copy),
      ),
    );
  }

  function roleHint(r) {
    return {
      client_member: 'Sees projects, approvals, messages, files and bookings. No billing.',
      client_owner: 'Everything a member sees, plus billing, decisions and managing the team.',
      aj_ops: 'Agency staff: manages projects, approvals and files for every client.',
      aj_admin: 'Agency admin: everything, including users, roles and billing sync.',
    }[r];
  }

  await Promise.all([loadMembers(), loadInvites()]);
}
