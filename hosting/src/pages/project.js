// Project detail (/projects/{id}): status, progress, timeline, team, counts, its contracts
// (GBU's, with their status, signing date and document), a milestone tracker (those allowed
// "milestones.manage" mark milestones done, add and remove them), the activity timeline, and
// ("projects.update") the project's status.

import { useEffect, useRef, useState } from 'preact/hooks';
import { PORTAL_NAME, PROJECT_STATUSES, PROJECT_STATUS_LABELS } from '../constants.js';
import { ContractsCard } from '../contracts.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { can, displayName } from '../state.js';
import { Badge, Button, EmptyState, ErrorState, Field, InlineError, PageHeader, ProgressRing, TimeAgo, daysFromToday, dueLabel, formatDate, toast } from '../ui.js';

const SYSTEM_ACTORS = new Set(['', 'seed', 'system']);
const CONTRACT_EVENTS = { sent: 'was sent for signature', viewed: 'was opened for signature', signed: 'was signed', declined: 'was declined', expired: 'expired', voided: 'was voided' };
const FIELD_LABELS = { title: 'title', due: 'due date', name: 'name', description: 'description', timeline: 'timeline', teamMembers: 'team', status: 'status' };

function quote(s) {
  return `“${s || 'Untitled'}”`;
}

function fields(list) {
  const names = (list || []).map((f) => FIELD_LABELS[f] || f);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** One activity entry as a sentence: "Oscar Ops completed “Guidelines draft”". */
export function activitySentence(entry, actorName) {
  const d = entry.details || {};
  const who = actorName;
  switch (entry.type) {
    case 'project.created':
      return `${who} created the project`;
    case 'project.deleted':
      return `${who} deleted the project`;
    case 'project.status_changed':
      return `${who} moved the project from ${PROJECT_STATUS_LABELS[d.from] || d.from || '—'} to ${PROJECT_STATUS_LABELS[d.to] || d.to || '—'}`;
    case 'milestone.completed':
      return `${who} completed ${quote(d.title)}`;
    case 'milestone.reopened':
      return `${who} reopened ${quote(d.title)}`;
    case 'milestone.added':
      return `${who} added the milestone ${quote(d.title)}`;
    case 'milestone.updated':
      return `${who} changed the ${fields(d.fields) || 'details'} of ${quote(d.title)}`;
    case 'milestone.removed':
      return `${who} removed the milestone ${quote(d.title)}`;
    case 'project.updated':
      return `${who} updated the project’s ${fields(d.fields) || 'details'}`;
    case 'contract.status':
      return `The contract${d.title ? ` ${quote(d.title)}` : ''} ${CONTRACT_EVENTS[d.status] || `is now ${String(d.status || 'updated').replace(/_/g, ' ')}`}`;
    default:
      return `${who}: ${String(entry.type || 'update').replace(/[._]/g, ' ')}`;
  }
}

/** done | overdue | current (the next open one) | upcoming */
function milestoneState(m, isNext) {
  if (m.done) return 'done';
  if (m.due && daysFromToday(m.due) < 0) return 'overdue';
  return isNext ? 'current' : 'upcoming';
}

function NotFoundCard() {
  return html`
    <${PageHeader} title="Project not found" />
    <div class="card" data-testid="project-not-found">
      <${EmptyState} title="We couldn’t find this project" text="It may have been removed, or the link may be wrong. Your projects are all on the Projects page." icon="projects">
        <a href="/projects" class="btn btn-primary">See your projects</a>
      <//>
    </div>
  `;
}

/** People's names by email for the activity (best effort: the API gives emails). */
function useNames(ctx, orgId) {
  const [names, setNames] = useState(() => new Map([[String(ctx.user.email || '').toLowerCase(), displayName(ctx.user)]]));
  useEffect(() => {
    if (!orgId) return undefined;
    const controller = new AbortController();
    const orgs = [orgId];
    if (ctx.isStaff && ctx.user.orgId) orgs.push(ctx.user.orgId);
    Promise.allSettled(orgs.map((o) => ctx.api.get('/api/members', { query: { orgId: o }, signal: controller.signal }))).then((results) => {
      if (controller.signal.aborted) return;
      setNames((prev) => {
        const next = new Map(prev);
        for (const r of results) if (r.status === 'fulfilled') for (const m of r.value.items || []) if (m.email) next.set(m.email.toLowerCase(), displayName(m));
        return next;
      });
    });
    return () => controller.abort();
  }, [orgId]);
  return names;
}

function StatusControl({ project, onChange }) {
  const { busy, run } = useSubmit();
  const change = (e) => {
    const value = e.currentTarget.value;
    run(() => onChange(value));
  };
  return html`
    <div class="filter">
      <label for="project-status-select" class="field-label">Status</label>
      <select id="project-status-select" class="select" data-testid="project-status" value=${project.status} disabled=${busy} onChange=${change}>
        ${PROJECT_STATUSES.map((s) => html`<option key=${s} value=${s}>${PROJECT_STATUS_LABELS[s]}</option>`)}
      </select>
    </div>
  `;
}

function Overview({ project: p, actorName }) {
  const t = p.timeline || {};
  const ms = p.milestones || [];
  const done = ms.filter((m) => m.done).length;
  const counts = p.counts || {};
  const team = p.teamMembers || [];
  return html`
    <section class="card project-overview" aria-label="Overview">
      <div class="overview-top">
        <${ProgressRing} value=${p.progress} label=${`${p.name} progress`} testid="project-progress" />
        <div class="overview-text">
          ${p.description ? html`<p class="project-description" data-testid="project-description">${p.description}</p>` : html`<p class="muted">No description yet.</p>`}
          <p class="muted small">${ms.length ? `${done} of ${ms.length} milestones done` : 'No milestones yet'}${p.nextDue ? ` · next due ${formatDate(p.nextDue)}` : ''}</p>
        </div>
      </div>
      <dl class="facts">
        <div><dt>Start</dt><dd>${formatDate(t.start)}</dd></div>
        <div><dt>End</dt><dd>${formatDate(t.end)}</dd></div>
        <div><dt>Estimated completion</dt><dd>${formatDate(t.estimatedCompletion || t.end)}</dd></div>
        <div><dt>Last activity</dt><dd><${TimeAgo} value=${p.lastActivity} class=${null} /></dd></div>
        <div class="facts-wide">
          <dt>Team</dt>
          <dd data-testid="project-team">${team.length ? html`<ul class="team-list">${team.map((e) => html`<li key=${e}>${actorName(e) !== e ? `${actorName(e)} (${e})` : e}</li>`)}</ul>` : 'Not assigned yet'}</dd>
        </div>
      </dl>
      <ul class="count-chips" aria-label="Related items" data-testid="project-counts">
        <li><a href="/approvals" class="chip"><strong>${String(counts.openApprovals || 0)}</strong> open approvals</a></li>
        <li><a href="/files" class="chip"><strong>${String(counts.files || 0)}</strong> files</a></li>
        <li><a href="/messages" class="chip"><strong>${String(counts.threads || 0)}</strong> threads</a></li>
      </ul>
    </section>
  `;
}

function Milestone({ m, state, canManage, onToggle, onRemove }) {
  const { busy, run } = useSubmit();
  const toggle = () => run(() => onToggle(m), 'toggle');
  const remove = () => {
    if (!window.confirm(`Remove the milestone “${m.title}”?`)) return;
    run(() => onRemove(m), 'remove');
  };
  const stateText = { done: 'Done', overdue: 'Overdue', current: 'Up next', upcoming: 'Upcoming' }[state];
  return html`
    <li class=${`step is-${state}`} data-testid="milestone" data-done=${String(Boolean(m.done))} data-state=${state} data-milestone-id=${m.id}>
      <span class="step-marker" aria-hidden="true">${m.done ? html`<${Icon} name="check" />` : state === 'overdue' ? '!' : ''}</span>
      <div class="step-body">
        <span class="step-title">${m.title}</span>
        <span class="step-meta"><span class=${`step-state step-state-${state}`}>${stateText}</span>${m.done ? (m.doneAt ? ` · completed ${formatDate(m.doneAt)}` : '') : m.due ? ` · ${dueLabel(m.due)} · ${formatDate(m.due)}` : ' · no due date'}</span>
      </div>
      ${canManage
        ? html`
            <div class="step-actions">
              <${Button} class=${`btn btn-sm ${m.done ? 'btn-secondary' : 'btn-primary'}`} busy=${busy === 'toggle'} busyLabel="Saving…" disabled=${Boolean(busy)} data-testid="milestone-toggle" aria-label=${`${m.done ? 'Reopen' : 'Mark done'}: ${m.title}`} onClick=${toggle}>${m.done ? 'Reopen' : 'Mark done'}<//>
              <${Button} class="icon-btn icon-btn-sm" busy=${busy === 'remove'} busyLabel="" disabled=${Boolean(busy)} data-testid="milestone-remove" aria-label=${`Remove ${m.title}`} title="Remove" onClick=${remove}><${Icon} name="trash" /><//>
            </div>
          `
        : null}
    </li>
  `;
}

function AddMilestone({ onAdd }) {
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const form = useSubmit();
  const input = useRef(null);
  const submit = async (e) => {
    e.preventDefault();
    const text = title.trim();
    if (!text) return form.invalid('Give the milestone a title.', input);
    const added = await form.run(async () => {
      const err = await onAdd(text, due || null);
      if (err) throw err;
    });
    if (!added) return;
    setTitle('');
    setDue('');
    input.current.focus();
  };
  return html`
    <form class="milestone-form" novalidate aria-label="Add a milestone" onSubmit=${submit}>
      <${Field} id="milestone-title" label="New milestone" class="field milestone-form-title">
        <input ref=${input} id="milestone-title" class="input" type="text" maxlength="200" required autocomplete="off" placeholder="e.g. Final review" value=${title} onInput=${(e) => setTitle(e.currentTarget.value)} data-testid="milestone-title" />
      <//>
      <${Field} id="milestone-due" label="Due (optional)">
        <input id="milestone-due" class="input" type="date" value=${due} onInput=${(e) => setDue(e.currentTarget.value)} data-testid="milestone-due" />
      <//>
      <${Button} type="submit" class="btn btn-primary" busy=${form.busy} busyLabel="Adding…" data-testid="milestone-add"><${Icon} name="plus" />Add milestone<//>
      <div class="error-slot"><${InlineError} message=${form.error} testid="milestone-error" /></div>
    </form>
  `;
}

function Activity({ activity, actorName }) {
  const items = activity.slice().sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
  if (!items.length) return html`<p class="muted">No activity yet. Changes to milestones and status appear here.</p>`;
  return html`
    <ol class="timeline">
      ${items.map(
        (a, i) => html`
          <li key=${a.id || i} class=${`timeline-item type-${String(a.type).replace(/\W/g, '-')}`} data-testid="activity-item">
            <span class="timeline-dot" aria-hidden="true"></span>
            <div class="timeline-body"><span class="timeline-text">${activitySentence(a, actorName(a.actor))}</span><${TimeAgo} value=${a.at} /></div>
          </li>
        `,
      )}
    </ol>
  `;
}

// Editing a project's name, description, timeline and team ("projects.update": admins,
// as the policy says) and archiving it ("projects.archive").
function EditProject({ project, apply, path, api, orgEmails }) {
  const [open, setOpen] = useState(false);
  const tl = project.timeline || {};
  const [form, setForm] = useState({ name: project.name, description: project.description || '', start: tl.start || '', end: tl.end || '', team: (project.teamMembers || []).join(', ') });
  const { busy, run } = useSubmit();
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const save = async (event) => {
    event.preventDefault();
    let saved = false;
    await run(async () => {
      const timeline = { ...tl, start: form.start || null, end: form.end || null };
      const teamMembers = form.team.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
      saved = await apply(() => api.patch(path, { name: form.name.trim(), description: form.description, timeline, teamMembers }), 'Project saved.');
    });
    if (saved) setOpen(false);
  };
  if (!open) return html`<${Button} data-testid="project-edit" onClick=${() => setOpen(true)}>Edit project<//>`;
  return html`
    <form class="form card card-body" novalidate onSubmit=${save} data-testid="project-edit-form">
      <${Field} id="pe-name" label="Name"><input id="pe-name" class="input" data-testid="pe-name" value=${form.name} onInput=${set('name')} /><//>
      <${Field} id="pe-desc" label="Description"><textarea id="pe-desc" class="input" rows="3" data-testid="pe-description" value=${form.description} onInput=${set('description')}></textarea><//>
      <div class="form-row">
        <${Field} id="pe-start" label="Start"><input id="pe-start" type="date" class="input" value=${form.start} onInput=${set('start')} /><//>
        <${Field} id="pe-end" label="End"><input id="pe-end" type="date" class="input" data-testid="pe-end" value=${form.end} onInput=${set('end')} /><//>
      </div>
      <${Field} id="pe-team" label="Team (emails)" hint=${orgEmails}><input id="pe-team" class="input" data-testid="pe-team" value=${form.team} onInput=${set('team')} /><//>
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Saving…" data-testid="pe-save">Save project<//>
        <${Button} onClick=${() => setOpen(false)}>Cancel<//>
      </div>
    </form>
  `;
}

function ProjectView({ ctx, resource }) {
  const project = resource.data;
  const id = ctx.params.id;
  const path = `/api/projects/${encodeURIComponent(id)}`;
  const names = useNames(ctx, project.orgId);
  const canManage = can('milestones.manage');
  const canUpdate = can('projects.update');
  const timer = useRef(null);
  const alive = useRef(true);
  useEffect(() => () => {
    alive.current = false;
    clearTimeout(timer.current);
  }, []);
  useEffect(() => {
    document.title = `${project.name} · ${PORTAL_NAME}`;
  }, [project.name]);

  const actorName = (actor) => {
    const a = String(actor || '');
    if (SYSTEM_ACTORS.has(a)) return 'The agency';
    return names.get(a.toLowerCase()) || a;
  };

  // Activity is written by a trigger after each change: fetch it again a moment later.
  const refreshActivitySoon = (attempt = 0, before = (project.activity || [])[0]?.id ?? null) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      try {
        const fresh = await ctx.api.get(path);
        if (!alive.current) return;
        const activity = fresh.activity || [];
        resource.setData((p) => ({ ...p, activity }));
        if ((activity[0]?.id ?? null) === before && attempt < 4) refreshActivitySoon(attempt + 1, before);
      } catch {
        /* the next change will try again */
      }
    }, 1200 + attempt * 1500);
  };

  /** Apply a change; the project as the API answers it replaces ours. true when it worked. */
  const apply = async (call, message) => {
    try {
      const updated = await call();
      if (!alive.current) return true;
      resource.setData((p) => ({ ...p, ...updated }));
      toast(message, 'success');
      refreshActivitySoon();
      return true;
    } catch (err) {
      if (alive.current) toast(err.message, 'error');
      return false;
    }
  };

  const setStatus = (status) => apply(() => ctx.api.patch(path, { status }), `Status set to ${PROJECT_STATUS_LABELS[status]}.`);
  const milestonePath = (m) => `${path}/milestones/${encodeURIComponent(m.id)}`;
  const onToggle = (m) => apply(() => ctx.api.patch(milestonePath(m), { done: !m.done }), m.done ? `Reopened “${m.title}”.` : `Marked “${m.title}” done.`);
  const onRemove = (m) => apply(() => ctx.api.del(milestonePath(m)), `Removed “${m.title}”.`);
  const addMilestone = async (title, due) => {
    try {
      const updated = await ctx.api.post(`${path}/milestones`, { title, due });
      if (!alive.current) return null;
      resource.setData((p) => ({ ...p, ...updated }));
      toast(`Added “${title}”.`, 'success');
      refreshActivitySoon();
      return null;
    } catch (err) {
      return err;
    }
  };

  const archive = () => {
    if (!project.archived && !window.confirm(`Archive “${project.name}”? It is hidden from lists; nothing is deleted.`)) return;
    apply(() => (project.archived ? ctx.api.del(`${path}/archive`) : ctx.api.post(`${path}/archive`, {})), project.archived ? 'Project restored.' : 'Project archived.');
  };
  const ms = project.milestones || [];
  const nextOpen = ms.filter((m) => !m.done).sort((a, b) => String(a.due || '9999').localeCompare(String(b.due || '9999')))[0];
  const subtitle = html`<${Badge} status=${project.status} label=${PROJECT_STATUS_LABELS[project.status]} />${ctx.isStaff && project.orgName ? html`<span class="muted">${project.orgName}</span>` : null}`;
  const filesPath = `/files?project=${encodeURIComponent(project.id)}`;
  const openFiles = (e) => {
    if (!ctx.isStaff || ctx.orgId === project.orgId) return; // the link itself
    e.preventDefault();
    ctx.selectOrg(project.orgId, filesPath);
  };
  const actions = html`<a href=${filesPath} class="btn btn-secondary" data-testid="project-files-link" onClick=${openFiles}><${Icon} name="files" /> Files</a>${canUpdate ? html`<${StatusControl} project=${project} onChange=${setStatus} />` : null}
    ${canUpdate ? html`<${EditProject} project=${project} apply=${apply} path=${path} api=${ctx.api} orgEmails="Comma-separated: the agency’s people working on it." />` : null}
    ${can('projects.archive') ? html`<${Button} class="btn btn-danger-ghost" data-testid="project-archive" onClick=${archive}>${project.archived ? 'Restore' : 'Archive'}<//>` : null}`;
  return html`
    <${PageHeader} title=${project.name} subtitle=${subtitle} subtitleClass="project-subtitle" subtitleTestid="project-status-badge" actions=${actions} />
    ${project.archived ? html`<p class="notice" data-testid="project-archived">This project is archived: hidden from lists, kept as it is.</p>` : null}
    <div class="project-grid">
      <div class="project-main">
        <${Overview} project=${project} actorName=${actorName} />
        <${ContractsCard} api=${ctx.api} orgId=${project.orgId} projectId=${project.id} signer=${can('contracts.read') && !ctx.isStaff} hideWhenEmpty=${!project.contract} testid="project-contracts" emptyText="No contracts for this project yet." />
        <section class="card" aria-labelledby="milestones-title">
          <div class="card-head"><h2 id="milestones-title" class="section-title">Milestones</h2></div>
          <div class="card-body">
            ${ms.length
              ? html`<ol class="stepper" aria-label="Milestones">
                  ${ms.map((m) => html`<${Milestone} key=${m.id} m=${m} state=${milestoneState(m, nextOpen && m.id === nextOpen.id)} canManage=${canManage} onToggle=${onToggle} onRemove=${onRemove} />`)}
                </ol>`
              : html`<p class="muted">No milestones yet.</p>`}
            ${canManage ? html`<${AddMilestone} onAdd=${addMilestone} />` : null}
          </div>
        </section>
      </div>
      <section class="card project-side" aria-labelledby="activity-title">
        <div class="card-head"><h2 id="activity-title" class="section-title">Activity</h2></div>
        <div class="card-body"><${Activity} activity=${project.activity || []} actorName=${actorName} /></div>
      </section>
    </div>
  `;
}

export default function ProjectPage(ctx) {
  const id = ctx.params.id;
  const project = useResource((signal) => ctx.api.get(`/api/projects/${encodeURIComponent(id)}`, { signal }), [id]);
  return html`
    <a href="/projects" class="back-link"><${Icon} name="back" />All projects</a>
    <div class="page-body">
      <${Load}
        resource=${project}
        skeleton=${{ kind: 'cards', count: 2, label: 'Loading the project…' }}
        errorTitle="Could not load the project"
        onError=${(err) => {
          if (err.status === 404 || err.status === 403) {
            document.title = `Project not found · ${PORTAL_NAME}`;
            return html`<${NotFoundCard} />`;
          }
          return html`<${PageHeader} title="Project" /><${ErrorState} error=${err} onRetry=${project.reload} title="Could not load the project" />`;
        }}
      >
        ${() => html`<${ProjectView} ctx=${ctx} resource=${project} />`}
      <//>
    </div>
  `;
}
