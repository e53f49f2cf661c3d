// Messages inbox (/messages): the caller's threads, newest activity first, unread ones
// marked, filtered by project; "New thread" starts one (staff choose the client).

import { useState } from 'preact/hooks';
import { AttachmentPicker } from '../attachments.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { useLive } from '../live.js';
import { Load, LoadMore, usePages, useResource } from '../load.js';
import { setQuery } from '../router.js';
import { can } from '../state.js';
import { Button, EmptyState, Field, InlineError, PageHeader, TimeAgo, toast } from '../ui.js';

export const threadPath = (t) => `/messages/${encodeURIComponent(t.id)}`;

function ThreadRow({ t, showOrg }) {
  const last = t.lastMessage;
  const meta = [showOrg ? t.orgName : null, t.projectName || 'General'].filter(Boolean).join(' · ');
  return html`
    <li class=${`thread-row${t.unread ? ' is-unread' : ''}`} data-testid="thread-row" data-thread-id=${t.id} data-unread=${String(t.unread)}>
      <div class="thread-row-main">
        <a href=${threadPath(t)} class="thread-link">${t.subject}</a>
        <span class="thread-row-sub">${meta}</span>
        ${last ? html`<span class="thread-row-sub">${last.author ? `${last.author.name}: ` : ''}${last.deleted ? 'Message deleted' : last.excerpt}</span>` : null}
      </div>
      <div class="thread-row-meta">
        ${t.unread ? html`<span class="badge badge-unread" data-testid="thread-unread">${t.unread} unread</span>` : null}
        <${TimeAgo} value=${t.lastActivityAt} fallback="" />
      </div>
    </li>
  `;
}

function NewThreadForm({ ctx, onClose }) {
  const [orgId, setOrgId] = useState(ctx.isStaff ? ctx.orgId || '' : ctx.user.orgId);
  const [f, setF] = useState({ subject: '', body: '', projectId: '' });
  const [attached, setAttached] = useState([]);
  // Busy stays after a success: the new thread's page replaces this one.
  const { busy, error, run, invalid } = useSubmit({ keepBusy: true });
  const projects = useResource(orgId ? (signal) => ctx.api.get('/api/projects', { query: { orgId: ctx.isStaff ? orgId : null, limit: 100 }, signal }) : null, [orgId]);
  const set = (name) => (e) => setF({ ...f, [name]: e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    if (ctx.isStaff && !orgId) return invalid('Choose a client.');
    if (!f.subject.trim() || !f.body.trim()) return invalid('Write a subject and a first message.');
    await run(async () => {
      const res = await ctx.api.post('/api/messages', { subject: f.subject.trim(), body: f.body, projectId: f.projectId || null, orgId: ctx.isStaff ? orgId : null, attachments: attached.map((a) => a.id) });
      toast('Thread started.', 'success');
      ctx.navigate(threadPath(res.thread));
    });
    return null;
  };
  const list = (projects.data && projects.data.items) || [];
  return html`
    <section class="card thread-new"><div class="card-body">
      <form class="form" novalidate aria-labelledby="thread-new-heading" data-testid="thread-new-form" onSubmit=${submit}>
        <h2 id="thread-new-heading" class="section-title">New thread</h2>
        <div class="error-slot"><${InlineError} message=${error} testid="thread-new-error" /></div>
        <div class="field-row">
          ${ctx.isStaff
            ? html`<${Field} id="thread-new-org" label="Client">
                <select id="thread-new-org" class="select" data-testid="thread-new-org" value=${orgId} onChange=${(e) => setOrgId(e.currentTarget.value)}>
                  <option value="">Choose a client…</option>
                  ${ctx.orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
                </select>
              <//>`
            : null}
          <${Field} id="thread-new-project" label="Project (optional)">
            <select id="thread-new-project" class="select" data-testid="thread-new-project" value=${f.projectId} onChange=${set('projectId')}>
              <option value="">General</option>
              ${list.map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`)}
            </select>
          <//>
        </div>
        <${Field} id="thread-new-subject" label="Subject">
          <input id="thread-new-subject" class="input" type="text" maxlength="200" autocomplete="off" value=${f.subject} onInput=${set('subject')} data-testid="thread-new-subject" />
        <//>
        <${Field} id="thread-new-body" label="Message">
          <textarea id="thread-new-body" class="input textarea" rows="4" maxlength="10000" value=${f.body} onInput=${set('body')} data-testid="thread-new-body"></textarea>
        <//>
        <${AttachmentPicker} api=${ctx.api} orgId=${ctx.isStaff ? orgId : null} needsOrg=${ctx.isStaff} projectId=${f.projectId || null} value=${attached} onChange=${setAttached} id="thread-new-attach" label="Attach files (optional)" />
        <div class="form-actions">
          <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Sending…" data-testid="thread-new-submit">Start thread<//>
          <button type="button" class="btn btn-secondary" onClick=${onClose}>Cancel</button>
        </div>
      </form>
    </div></section>
  `;
}

export default function MessagesPage(ctx) {
  const [projectId, setProjectId] = useState(ctx.query.get('project') || '');
  const [formOpen, setFormOpen] = useState(false);
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All clients') : ctx.user.orgName;
  const projects = useResource((signal) => (ctx.isStaff && !ctx.orgId ? Promise.resolve({ items: [] }) : ctx.api.get('/api/projects', { query: { orgId: ctx.orgId, limit: 100 }, signal })), [ctx.orgId]);
  const pages = usePages((cursor, signal) => ctx.api.get('/api/messages', { query: { orgId: ctx.orgId, projectId: projectId || null, cursor, limit: 25 }, signal }), [projectId, ctx.orgId]);
  useLive('messages', pages.reload);
  const choose = (e) => {
    setProjectId(e.currentTarget.value);
    setQuery({ project: e.currentTarget.value });
  };
  const newButton = can('messages.write')
    ? html`<button type="button" class="btn btn-primary" data-testid="thread-new" aria-expanded=${String(formOpen)} onClick=${() => setFormOpen(!formOpen)}><${Icon} name="plus" />New thread</button>`
    : null;
  const projectList = (projects.data && projects.data.items) || [];
  return html`
    <${PageHeader} title="Messages" subtitle=${scope} actions=${newButton} />
    ${formOpen ? html`<${NewThreadForm} ctx=${ctx} onClose=${() => setFormOpen(false)} />` : null}
    ${projectList.length
      ? html`<div class="toolbar">
          <label for="thread-project-filter" class="field-label">Project</label>
          <select id="thread-project-filter" class="select" data-testid="thread-project-filter" value=${projectId} onChange=${choose}>
            <option value="">All threads</option>
            ${projectList.map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`)}
          </select>
        </div>`
      : null}
    <div class="page-body">
      <${Load} resource=${pages} skeleton=${{ kind: 'rows', count: 5, label: 'Loading threads…' }} errorTitle="Could not load messages" isEmpty=${(d) => !(d.items || []).length}
        empty=${html`<div class="card"><${EmptyState} title="No threads yet" text="Start a conversation with “New thread”." icon="messages" /></div>`}>
        ${(data) => html`
          <ul class="thread-list card" aria-label="Threads">${data.items.map((t) => html`<${ThreadRow} key=${t.id} t=${t} showOrg=${ctx.isStaff && !ctx.orgId} />`)}</ul>
          <${LoadMore} pages=${pages} testid="thread-more" />
        `}
      <//>
    </div>
  `;
}
