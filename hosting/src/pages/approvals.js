// Approvals queue (/approvals): status tabs, an "Assigned to me" toggle, due dates
// highlighted (overdue red, due within two days amber), rows linking to the item.
// Staff get a "New approval" form for the client chosen in the switcher (or one
// they pick in the form when looking at all clients).

import { APPROVAL_STATUSES, APPROVAL_STATUS_LABELS, CONTENT_TYPES, CONTENT_TYPE_LABELS, approvalBadge, approvalPath, dueChip, safeUrl } from '../approval-bits.js';
import { h, icon, mount } from '../dom.js';
import { setQuery } from '../router.js';
import { displayName } from '../state.js';
import { busy, emptyState, errorState, inlineError, pageHeader, skeleton, timeAgo, toast } from '../ui.js';

const TABS = [{ key: 'all', label: 'All' }, ...APPROVAL_STATUSES.map((s) => ({ key: s, label: APPROVAL_STATUS_LABELS[s] }))];
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function render(container, ctx) {
  let status = APPROVAL_STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '';
  let mine = ctx.query.get('mine') === '1';
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All clients') : ctx.user.orgName;

  const tabButtons = TABS.map((t) => {
    const b = h('button', { type: 'button', role: 'tab', class: 'tab', 'data-testid': `approval-tab-${t.key}`, 'data-status': t.key }, t.label);
    b.addEventListener('click', () => {
      status = t.key === 'all' ? '' : t.key;
      setQuery({ status });
      syncTabs();
      load();
    });
    return b;
  });
  function syncTabs() {
    for (const b of tabButtons) {
      const on = (b.dataset.status === 'all' && !status) || b.dataset.status === status;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
  }
  syncTabs();
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Approval status' }, tabButtons);
  tablist.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = tabButtons.indexOf(document.activeElement);
    if (i < 0) return;
    const next = tabButtons[(i + (e.key === 'ArrowRight' ? 1 : tabButtons.length - 1)) % tabButtons.length];
    next.focus();
    next.click();
  });

  const mineBox = h('input', { type: 'checkbox', id: 'approval-mine', class: 'switch-input', checked: mine, 'data-testid': 'approval-assigned-toggle' });
  mineBox.addEventListener('change', () => {
    mine = mineBox.checked;
    setQuery({ mine: mine ? '1' : '' });
    load();
  });
  const mineToggle = h('label', { for: 'approval-mine', class: 'switch' }, mineBox, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), h('span', null, 'Assigned to me'));

  const formSlot = h('div', { class: 'approval-form-slot' });
  let newButton = null;
  if (ctx.isStaff) {
    newButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'approval-new', 'aria-expanded': 'false' }, icon('plus'), 'New approval');
    newButton.addEventListener('click', () => {
      if (formSlot.firstChild) {
        closeForm();
        return;
      }
      newButton.setAttribute('aria-expanded', 'true');
      mount(formSlot, newApprovalForm());
      const first = formSlot.querySelector('select, input');
      if (first) first.focus();
    });
  }
  function closeForm() {
    formSlot.replaceChildren();
    if (newButton) newButton.setAttribute('aria-expanded', 'false');
  }

  const body = h('div', { class: 'page-body', role: 'tabpanel' });
  mount(container, pageHeader('Approvals', scope, newButton), formSlot, h('div', { class: 'toolbar approvals-toolbar' }, tablist, mineToggle), body);

  let generation = 0;
  async function load() {
    const mine_ = ++generation;
    mount(body, skeleton('rows', 5, 'Loading approvals…'));
    let data;
    try {
      data = await fetchPage(null);
    } catch (err) {
      if (ctx.signal.aborted || mine_ !== generation) return;
      mount(body, errorState(err, load, 'Could not load approvals'));
      return;
    }
    if (ctx.signal.aborted || mine_ !== generation) return;
    const items = data.items || [];
    if (!items.length) {
      const what = status ? APPROVAL_STATUS_LABELS[status].toLowerCase() : '';
      mount(
        body,
        h(
          'div',
          { class: 'card' },
          emptyState(
            mine ? `Nothing ${what ? `${what} ` : ''}assigned to you` : status ? `No ${what} approvals` : 'No approvals yet',
            status || mine ? 'Try another tab, or turn off “Assigned to me”.' : ctx.isStaff ? 'Submit work for the client to review with “New approval”.' : 'Work the agency sends you for review will appear here.',
            'approvals',
          ),
        ),
      );
      return;
    }
    const list = h('ul', { class: 'approval-list card', 'aria-label': 'Approvals' });
    const more = h('div', { class: 'load-more' });
    mount(body, h('p', { class: 'visually-hidden', role: 'status' }, `${items.length} approvals shown`), list, more);
    addPage(list, more, data, mine_);
  }

  function fetchPage(cursor) {
    return ctx.api.get('/api/approvals', { query: { orgId: ctx.orgId, status, assignedToMe: mine ? 'true' : null, cursor, limit: 25 }, signal: ctx.signal });
  }

  function addPage(list, more, data, mine_) {
    for (const item of data.items || []) list.append(row(item));
    more.replaceChildren();
    if (!data.nextCursor) return;
    const button = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'approval-more' }, 'Load more');
    button.addEventListener('click', async () => {
      const restore = busy(button, 'Loading…');
      try {
        const next = await fetchPage(data.nextCursor);
        if (ctx.signal.aborted || mine_ !== generation) return;
        addPage(list, more, next, mine_);
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        more.prepend(inlineError(err.message));
      }
    });
    more.append(button);
  }

  function row(item) {
    const meta = [
      ctx.isStaff && !ctx.orgId && item.orgName ? item.orgName : null,
      item.projectName || null,
      CONTENT_TYPE_LABELS[item.contentType] || item.contentType,
      item.currentVersion ? `Version ${item.currentVersion}` : null,
    ].filter(Boolean);
    const assignees = (item.assignees || []).map((a) => a.name || a.email);
    return h(
      'li',
      { class: 'approval-row', 'data-testid': 'approval-row', 'data-approval-id': item.id, 'data-status': item.status },
      h('span', { class: `type-icon type-${item.contentType || 'other'}`, 'aria-hidden': 'true' }, typeGlyph(item.contentType)),
      h(
        'div',
        { class: 'approval-row-main' },
        h('a', { href: approvalPath(item), class: 'approval-link' }, item.title || 'Untitled'),
        h('span', { class: 'approval-row-sub' }, meta.join(' · ')),
        h('span', { class: 'approval-row-sub' }, assignees.length ? `Assigned to ${assignees.join(', ')}` : 'Not assigned: the client owner decides', item.submittedAt ? ' · submitted ' : null, item.submittedAt ? timeAgo(item.submittedAt, '') : null),
      ),
      h('div', { class: 'approval-row-meta' }, approvalBadge(item.status), dueChip(item), item.canDecide && item.status === 'pending' ? h('span', { class: 'decide-hint' }, 'Your decision') : null),
    );
  }

  // ---------- staff: a new approval ----------

  function newApprovalForm() {
    const errorSlot = h('div', { class: 'error-slot' });
    const field = (id, label, control, hint) => h('div', { class: 'field' }, h('label', { for: id, class: 'field-label' }, label), control, hint ? h('p', { class: 'field-hint' }, hint) : null);

    let orgSelect = null;
    if (!ctx.orgId) {
      orgSelect = h('select', { id: 'approval-new-org', class: 'select', 'data-testid': 'approval-new-org', required: true }, h('option', { value: '' }, 'Choose a client…'), ctx.orgs.map((o) => h('option', { value: o.id }, o.name)));
    }
    const project = h('select', { id: 'approval-new-project', class: 'select', 'data-testid': 'approval-new-project', required: true, disabled: !ctx.orgId }, h('option', { value: '' }, ctx.orgId ? 'Loading projects…' : 'Choose a client first'));
    const type = h('select', { id: 'approval-new-type', class: 'select', 'data-testid': 'approval-new-type' }, CONTENT_TYPES.map((t) => h('option', { value: t }, CONTENT_TYPE_LABELS[t])));
    const title = h('input', { id: 'approval-new-title', class: 'input', type: 'text', maxlength: '200', required: true, autocomplete: 'off', 'data-testid': 'approval-new-title', placeholder: 'e.g. Homepage hero, round 1' });
    const description = h('textarea', { id: 'approval-new-description', class: 'input textarea', rows: '3', maxlength: '5000', 'data-testid': 'approval-new-description', placeholder: 'What should the client look at?' });
    const due = h('input', { id: 'approval-new-due', class: 'input', type: 'date', 'data-testid': 'approval-new-due' });
    const assignees = h('div', { class: 'checks', id: 'approval-new-assignees', 'data-testid': 'approval-new-assignees' }, h('p', { class: 'muted small' }, ctx.orgId ? 'Loading people…' : 'Choose a client first'));
    const preview = h('input', { id: 'approval-new-preview', class: 'input', type: 'url', inputmode: 'url', autocomplete: 'off', 'data-testid': 'approval-new-preview', placeholder: 'https://…' });
    const files = h('textarea', { id: 'approval-new-files', class: 'input textarea', rows: '2', 'data-testid': 'approval-new-files', placeholder: 'One https:// link per line' });
    const notes = h('textarea', { id: 'approval-new-notes', class: 'input textarea', rows: '4', maxlength: '20000', 'data-testid': 'approval-new-notes', placeholder: 'Copy text, context, what changed…' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'approval-new-submit' }, 'Submit for approval');
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', onClick: closeForm }, 'Cancel');

    let orgGen = 0;
    async function loadOrgData(orgId) {
      const mineGen = ++orgGen;
      project.disabled = true;
      if (!orgId) {
        mount(project, h('option', { value: '' }, 'Choose a client first'));
        mount(assignees, h('p', { class: 'muted small' }, 'Choose a client first'));
        return;
      }
      mount(project, h('option', { value: '' }, 'Loading projects…'));
      mount(assignees, h('p', { class: 'muted small' }, 'Loading people…'));
      const [projects, members] = await Promise.allSettled([
        ctx.api.get('/api/projects', { query: { orgId, limit: 100 }, signal: ctx.signal }),
        ctx.api.get('/api/members', { query: { orgId }, signal: ctx.signal }),
      ]);
      if (ctx.signal.aborted || mineGen !== orgGen) return;
      if (projects.status === 'fulfilled') {
        const list = (projects.value.items || []).slice().sort((a, b) => Number(a.status === 'completed') - Number(b.status === 'completed') || String(a.name).localeCompare(String(b.name)));
        mount(project, h('option', { value: '' }, list.length ? 'Choose a project…' : 'This client has no projects'), list.map((p) => h('option', { value: p.id }, p.name)));
        project.disabled = !list.length;
      } else {
        mount(project, h('option', { value: '' }, 'Could not load projects'));
      }
      if (members.status === 'fulfilled') {
        const people = (members.value.items || []).filter((m) => !m.disabled && String(m.role || '').startsWith('client_'));
        mount(
          assignees,
          people.length
            ? people.map((m) =>
                h(
                  'label',
                  { class: 'check' },
                  h('input', { type: 'checkbox', value: m.email, 'data-testid': 'approval-new-assignee' }),
                  h('span', null, displayName(m), displayName(m) !== m.email ? h('span', { class: 'muted small' }, ` ${m.email}`) : null, m.role === 'client_owner' ? h('span', { class: 'muted small' }, ' · owner') : null),
                ),
              )
            : h('p', { class: 'muted small' }, 'Nobody at this client yet.'),
        );
      } else {
        mount(assignees, h('p', { class: 'muted small' }, `Could not load people: ${members.reason.message}`));
      }
    }
    if (orgSelect) orgSelect.addEventListener('change', () => loadOrgData(orgSelect.value));
    else loadOrgData(ctx.orgId);

    const form = h(
      'form',
      { class: 'form approval-form', novalidate: true, 'aria-labelledby': 'approval-new-heading', 'data-testid': 'approval-new-form' },
      h('h2', { id: 'approval-new-heading', class: 'section-title' }, 'New approval', ctx.org ? h('span', { class: 'muted' }, ` for ${ctx.org.name}`) : null),
      errorSlot,
      h('div', { class: 'field-row' }, orgSelect ? field('approval-new-org', 'Client', orgSelect) : null, field('approval-new-project', 'Project', project), field('approval-new-type', 'Content type', type)),
      h('div', { class: 'field-row' }, field('approval-new-title', 'Title', title), field('approval-new-due', 'Due (optional)', due)),
      field('approval-new-description', 'Description', description),
      h('fieldset', { class: 'field fieldset' }, h('legend', { class: 'field-label' }, 'Who decides'), assignees, h('p', { class: 'field-hint' }, 'The client owner can always decide. Tick people to let them decide too.')),
      field('approval-new-preview', 'Preview URL', preview, 'An image, video or audio link is shown inline; anything else opens in a new tab.'),
      field('approval-new-files', 'File links (optional)', files),
      field('approval-new-notes', 'Notes', notes),
      h('div', { class: 'form-actions' }, submit, cancel),
    );

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errorSlot.replaceChildren();
      const orgId = ctx.orgId || (orgSelect && orgSelect.value);
      const fileUrls = files.value
        .split(/\s+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const problems = [];
      if (!orgId) problems.push([orgSelect, 'Choose a client.']);
      if (!project.value) problems.push([project, 'Choose a project.']);
      if (!title.value.trim()) problems.push([title, 'Give the approval a title.']);
      if (preview.value.trim() && !safeUrl(preview.value.trim())) problems.push([preview, 'The preview URL must start with https://.']);
      if (fileUrls.some((u) => !safeUrl(u))) problems.push([files, 'Each file link must start with https://.']);
      if (problems.length) {
        mount(errorSlot, inlineError(problems.map((p) => p[1]).join(' '), 'approval-new-error'));
        if (problems[0][0]) problems[0][0].focus();
        return;
      }
      const assigneeEmails = Array.from(assignees.querySelectorAll('input[type=checkbox]:checked'))
        .map((c) => c.value)
        .filter((v) => EMAIL_RE.test(v));
      const restore = busy(submit, 'Submitting…');
      let created;
      try {
        created = await ctx.api.post(
          '/api/approvals',
          {
            orgId,
            projectId: project.value,
            contentType: type.value,
            title: title.value.trim(),
            description: description.value.trim(),
            due: due.value || null,
            assigneeEmails,
            content: { previewUrl: preview.value.trim() || null, fileUrls, notes: notes.value.trim() },
          },
          { signal: ctx.signal },
        );
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        mount(errorSlot, inlineError(err.message, 'approval-new-error'));
        return;
      }
      if (ctx.signal.aborted) return;
      toast(`“${created.title || title.value.trim()}” was sent for approval.`, 'success');
      if (created && created.id) ctx.navigate(approvalPath(created));
      else {
        closeForm();
        load();
      }
    });
    return h('section', { class: 'card approval-new-card' }, h('div', { class: 'card-body' }, form));
  }

  await load();
}

const GLYPHS = { design: 'D', copy: 'C', video: 'V', audio: 'A', strategy: 'S' };
function typeGlyph(type) {
  return GLYPHS[type] || '•';
}
