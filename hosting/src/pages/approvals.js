// Approvals queue (/approvals): status tabs, an "Assigned to me" toggle, due dates
// highlighted (overdue red, due within two days amber), rows linking to the item.
// Those allowed to submit ("approvals.submit") get a "New approval" form for the
// client chosen in the switcher (or one they pick in the form for all clients).

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApprovalBadge, DueChip, approvalPath } from '../approval-bits.js';
import { AttachmentPicker } from '../attachments.js';
import { APPROVAL_STATUSES, APPROVAL_STATUS_LABELS, CONTENT_TYPES, CONTENT_TYPE_GLYPHS, CONTENT_TYPE_LABELS, EMAIL_RE } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { useLive } from '../live.js';
import { Load, LoadMore, usePages, useResource } from '../load.js';
import { setQuery } from '../router.js';
import { can, displayName } from '../state.js';
import { Button, EmptyState, Field, InlineError, PageHeader, TimeAgo, safeUrl, toast } from '../ui.js';

const TABS = [{ key: '', label: 'All', testid: 'all' }, ...APPROVAL_STATUSES.map((s) => ({ key: s, label: APPROVAL_STATUS_LABELS[s], testid: s }))];

function Tabs({ status, onChange }) {
  const refs = useRef([]);
  const onKey = (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = refs.current.indexOf(document.activeElement);
    if (i < 0) return;
    const next = (i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length;
    refs.current[next].focus();
    onChange(TABS[next].key);
  };
  return html`
    <div class="tabs" role="tablist" aria-label="Approval status" onKeyDown=${onKey}>
      ${TABS.map(
        (t, i) => html`<button key=${t.testid} ref=${(el) => (refs.current[i] = el)} type="button" role="tab" class="tab" data-testid=${`approval-tab-${t.testid}`} data-status=${t.testid} aria-selected=${String(t.key === status)} tabindex=${t.key === status ? 0 : -1} onClick=${() => onChange(t.key)}>${t.label}</button>`,
      )}
    </div>
  `;
}

function Row({ item, showOrg }) {
  const meta = [showOrg && item.orgName ? item.orgName : null, item.projectName || null, CONTENT_TYPE_LABELS[item.contentType] || item.contentType, item.currentVersion ? `Version ${item.currentVersion}` : null].filter(Boolean);
  const assignees = (item.assignees || []).map((a) => a.name || a.email);
  return html`
    <li class="approval-row" data-testid="approval-row" data-approval-id=${item.id} data-status=${item.status}>
      <span class=${`type-icon type-${item.contentType || 'other'}`} aria-hidden="true">${CONTENT_TYPE_GLYPHS[item.contentType] || '•'}</span>
      <div class="approval-row-main">
        <a href=${approvalPath(item)} class="approval-link">${item.title || 'Untitled'}</a>
        <span class="approval-row-sub">${meta.join(' · ')}</span>
        <span class="approval-row-sub">${assignees.length ? `Assigned to ${assignees.join(', ')}` : 'Not assigned: the client owner decides'}${item.submittedAt ? html` · submitted <${TimeAgo} value=${item.submittedAt} fallback="" />` : null}</span>
      </div>
      <div class="approval-row-meta">
        <${ApprovalBadge} status=${item.status} />
        <${DueChip} item=${item} />
        ${item.canDecide && item.status === 'pending' ? html`<span class="decide-hint">Your decision</span>` : null}
      </div>
    </li>
  `;
}

const sortProjects = (items) => items.slice().sort((a, b) => Number(a.status === 'completed') - Number(b.status === 'completed') || String(a.name).localeCompare(String(b.name)));

function NewApprovalForm({ ctx, onClose }) {
  const [orgId, setOrgId] = useState(ctx.orgId || '');
  const [f, setF] = useState({ projectId: '', contentType: CONTENT_TYPES[0], title: '', description: '', due: '', preview: '', files: '', notes: '' });
  const [assignees, setAssignees] = useState(() => new Set());
  const [attached, setAttached] = useState([]);
  // Busy stays after a success: the new approval's page (or the list) replaces the form.
  const { busy, error, run, invalid } = useSubmit({ keepBusy: true });
  const form = useRef(null);
  const set = (name) => (e) => setF({ ...f, [name]: e.currentTarget.value });
  const people = useResource(orgId ? (signal) => Promise.allSettled([ctx.api.get('/api/projects', { query: { orgId, limit: 100 }, signal }), ctx.api.get('/api/members', { query: { orgId }, signal })]) : null, [orgId]);
  useEffect(() => {
    const first = form.current && form.current.querySelector('select, input');
    if (first) first.focus();
  }, []);

  const [projects, members] = people.data || [];
  const projectList = projects && projects.status === 'fulfilled' ? sortProjects(projects.value.items || []) : [];
  let projectPlaceholder = 'Choose a client first';
  if (orgId && !people.data) projectPlaceholder = 'Loading projects…';
  else if (projects) projectPlaceholder = projects.status !== 'fulfilled' ? 'Could not load projects' : projectList.length ? 'Choose a project…' : 'This client has no projects';
  let who;
  if (!orgId) who = html`<p class="muted small">Choose a client first</p>`;
  else if (!members) who = html`<p class="muted small">Loading people…</p>`;
  else if (members.status !== 'fulfilled') who = html`<p class="muted small">Could not load people: ${members.reason.message}</p>`;
  else {
    const list = (members.value.items || []).filter((m) => !m.disabled && String(m.role || '').startsWith('client_'));
    who = list.length
      ? list.map(
          (m) => html`
            <label key=${m.email} class="check">
              <input type="checkbox" value=${m.email} checked=${assignees.has(m.email)} data-testid="approval-new-assignee" onChange=${(e) => {
                const next = new Set(assignees);
                if (e.currentTarget.checked) next.add(m.email);
                else next.delete(m.email);
                setAssignees(next);
              }} />
              <span>${displayName(m)}${displayName(m) !== m.email ? html`<span class="muted small"> ${m.email}</span>` : null}${m.role === 'client_owner' ? html`<span class="muted small"> · owner</span>` : null}</span>
            </label>
          `,
        )
      : html`<p class="muted small">Nobody at this client yet.</p>`;
  }

  const submit = async (e) => {
    e.preventDefault();
    const fileUrls = f.files.split(/\s+/).map((s) => s.trim()).filter(Boolean);
    const problems = [];
    if (!orgId) problems.push(['approval-new-org', 'Choose a client.']);
    if (!f.projectId) problems.push(['approval-new-project', 'Choose a project.']);
    if (!f.title.trim()) problems.push(['approval-new-title', 'Give the approval a title.']);
    if (f.preview.trim() && !safeUrl(f.preview.trim())) problems.push(['approval-new-preview', 'The preview URL must start with https://.']);
    if (fileUrls.some((u) => !safeUrl(u))) problems.push(['approval-new-files', 'Each file link must start with https://.']);
    if (problems.length) {
      document.getElementById(problems[0][0])?.focus();
      return invalid(problems.map((p) => p[1]).join(' '));
    }
    await run(async () => {
      const created = await ctx.api.post('/api/approvals', {
        orgId,
        projectId: f.projectId,
        contentType: f.contentType,
        title: f.title.trim(),
        description: f.description.trim(),
        due: f.due || null,
        assigneeEmails: [...assignees].filter((v) => EMAIL_RE.test(v)),
        content: { previewUrl: f.preview.trim() || null, fileUrls, notes: f.notes.trim(), attachments: attached.map((a) => a.id) },
      });
      toast(`“${created.title || f.title.trim()}” was sent for approval.`, 'success');
      if (created && created.id) ctx.navigate(approvalPath(created));
      else onClose(true);
    });
  };

  return html`
    <section class="card approval-new-card">
      <div class="card-body">
        <form ref=${form} class="form approval-form" novalidate aria-labelledby="approval-new-heading" data-testid="approval-new-form" onSubmit=${submit}>
          <h2 id="approval-new-heading" class="section-title">New approval${ctx.org ? html`<span class="muted"> for ${ctx.org.name}</span>` : null}</h2>
          <div class="error-slot"><${InlineError} message=${error} testid="approval-new-error" /></div>
          <div class="field-row">
            ${ctx.orgId
              ? null
              : html`<${Field} id="approval-new-org" label="Client">
                  <select id="approval-new-org" class="select" data-testid="approval-new-org" required value=${orgId} onChange=${(e) => {
                    setOrgId(e.currentTarget.value);
                    setF({ ...f, projectId: '' });
                    setAssignees(new Set());
                    setAttached([]);
                  }}>
                    <option value="">Choose a client…</option>
                    ${ctx.orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
                  </select>
                <//>`}
            <${Field} id="approval-new-project" label="Project">
              <select id="approval-new-project" class="select" data-testid="approval-new-project" required disabled=${!projectList.length} value=${f.projectId} onChange=${set('projectId')}>
                <option value="">${projectPlaceholder}</option>
                ${projectList.map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`)}
              </select>
            <//>
            <${Field} id="approval-new-type" label="Content type">
              <select id="approval-new-type" class="select" data-testid="approval-new-type" value=${f.contentType} onChange=${set('contentType')}>
                ${CONTENT_TYPES.map((t) => html`<option key=${t} value=${t}>${CONTENT_TYPE_LABELS[t]}</option>`)}
              </select>
            <//>
          </div>
          <div class="field-row">
            <${Field} id="approval-new-title" label="Title">
              <input id="approval-new-title" class="input" type="text" maxlength="200" required autocomplete="off" placeholder="e.g. Homepage hero, round 1" value=${f.title} onInput=${set('title')} data-testid="approval-new-title" />
            <//>
            <${Field} id="approval-new-due" label="Due (optional)">
              <input id="approval-new-due" class="input" type="date" value=${f.due} onInput=${set('due')} data-testid="approval-new-due" />
            <//>
          </div>
          <${Field} id="approval-new-description" label="Description">
            <textarea id="approval-new-description" class="input textarea" rows="3" maxlength="5000" placeholder="What should the client look at?" value=${f.description} onInput=${set('description')} data-testid="approval-new-description"></textarea>
          <//>
          <fieldset class="field fieldset">
            <legend class="field-label">Who decides</legend>
            <div class="checks" id="approval-new-assignees" data-testid="approval-new-assignees">${who}</div>
            <p class="field-hint">The client owner can always decide. Tick people to let them decide too.</p>
          </fieldset>
          <${Field} id="approval-new-preview" label="Preview URL" hint="An image, video or audio link is shown inline; anything else opens in a new tab.">
            <input id="approval-new-preview" class="input" type="url" inputmode="url" autocomplete="off" placeholder="https://…" value=${f.preview} onInput=${set('preview')} data-testid="approval-new-preview" />
          <//>
          <${AttachmentPicker} api=${ctx.api} orgId=${orgId || null} projectId=${f.projectId || null} value=${attached} onChange=${setAttached} id="approval-new-attach" label="Portal files (optional)" needsOrg=${true} />
          <${Field} id="approval-new-files" label="File links (optional)">
            <textarea id="approval-new-files" class="input textarea" rows="2" placeholder="One https:// link per line" value=${f.files} onInput=${set('files')} data-testid="approval-new-files"></textarea>
          <//>
          <${Field} id="approval-new-notes" label="Notes">
            <textarea id="approval-new-notes" class="input textarea" rows="4" maxlength="20000" placeholder="Copy text, context, what changed…" value=${f.notes} onInput=${set('notes')} data-testid="approval-new-notes"></textarea>
          <//>
          <div class="form-actions">
            <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Submitting…" data-testid="approval-new-submit">Submit for approval<//>
            <button type="button" class="btn btn-secondary" onClick=${() => onClose(false)}>Cancel</button>
          </div>
        </form>
      </div>
    </section>
  `;
}

export default function ApprovalsPage(ctx) {
  const [status, setStatus] = useState(APPROVAL_STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '');
  const [mine, setMine] = useState(ctx.query.get('mine') === '1');
  const [formOpen, setFormOpen] = useState(false);
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All clients') : ctx.user.orgName;
  const pages = usePages(
    (cursor, signal) => ctx.api.get('/api/approvals', { query: { orgId: ctx.orgId, status, assignedToMe: mine ? 'true' : null, cursor, limit: 25 }, signal }),
    [status, mine, ctx.orgId],
  );
  useLive('approvals', pages.reload);
  const chooseStatus = (s) => {
    setStatus(s);
    setQuery({ status: s });
  };
  const toggleMine = (e) => {
    setMine(e.currentTarget.checked);
    setQuery({ mine: e.currentTarget.checked ? '1' : '' });
  };
  const closeForm = (changed) => {
    setFormOpen(false);
    if (changed) pages.reload();
  };
  const newButton = can('approvals.submit')
    ? html`<button type="button" class="btn btn-primary" data-testid="approval-new" aria-expanded=${String(formOpen)} onClick=${() => setFormOpen(!formOpen)}><${Icon} name="plus" />New approval</button>`
    : null;
  const what = status ? APPROVAL_STATUS_LABELS[status].toLowerCase() : '';
  const empty = html`
    <div class="card">
      <${EmptyState}
        title=${mine ? `Nothing ${what ? `${what} ` : ''}assigned to you` : status ? `No ${what} approvals` : 'No approvals yet'}
        text=${status || mine ? 'Try another tab, or turn off “Assigned to me”.' : can('approvals.submit') ? 'Submit work for the client to review with “New approval”.' : 'Work the agency sends you for review will appear here.'}
        icon="approvals"
      />
    </div>
  `;
  return html`
    <${PageHeader} title="Approvals" subtitle=${scope} actions=${newButton} />
    <div class="approval-form-slot">${formOpen ? html`<${NewApprovalForm} ctx=${ctx} onClose=${closeForm} />` : null}</div>
    <div class="toolbar approvals-toolbar">
      <${Tabs} status=${status} onChange=${chooseStatus} />
      <label for="approval-mine" class="switch">
        <input type="checkbox" id="approval-mine" class="switch-input" checked=${mine} onChange=${toggleMine} data-testid="approval-assigned-toggle" />
        <span class="switch-track" aria-hidden="true"></span><span>Assigned to me</span>
      </label>
    </div>
    <div class="page-body" role="tabpanel">
      <${Load} resource=${pages} skeleton=${{ kind: 'rows', count: 5, label: 'Loading approvals…' }} errorTitle="Could not load approvals" isEmpty=${(d) => !(d.items || []).length} empty=${empty}>
        ${(data) => html`
          <p class="visually-hidden" role="status">${data.items.length} approvals shown</p>
          <ul class="approval-list card" aria-label="Approvals">${data.items.map((item) => html`<${Row} key=${item.id} item=${item} showOrg=${ctx.isStaff && !ctx.orgId} />`)}</ul>
          <${LoadMore} pages=${pages} testid="approval-more" />
        `}
      <//>
    </div>
  `;
}
