// Project detail (/projects/{id}): status, progress, timeline, team, counts, a
// milestone tracker (staff mark milestones done, add and remove them), the activity
// timeline, and for admins the project's status.

import { h, icon, mount } from '../dom.js';
import { STATUSES, STATUS_LABELS } from '../project-card.js';
import { displayName } from '../state.js';
import { badge, busy, daysFromToday, dueLabel, emptyState, errorState, formatDate, inlineError, pageHeader, progressRing, skeleton, timeAgo, toast } from '../ui.js';

const SYSTEM_ACTORS = new Set(['', 'seed', 'system']);
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
      return `${who} moved the project from ${STATUS_LABELS[d.from] || d.from || '—'} to ${STATUS_LABELS[d.to] || d.to || '—'}`;
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
      return `The contract${d.title ? ` ${quote(d.title)}` : ''} is now ${String(d.status || 'updated').replace(/_/g, ' ')}`;
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

export async function render(container, ctx) {
  const id = ctx.params.id;
  const isAdmin = ctx.user.role === 'aj_admin';
  const canEditMilestones = ctx.isStaff;
  const names = new Map([[String(ctx.user.email || '').toLowerCase(), displayName(ctx.user)]]);
  let project = null;
  let activity = [];
  let activityTimer = null;
  ctx.signal.addEventListener('abort', () => clearTimeout(activityTimer));

  const back = h('a', { href: '/projects', class: 'back-link' }, icon('back'), 'All projects');
  const body = h('div', { class: 'page-body' });
  mount(container, back, body);

  function actorName(actor) {
    const a = String(actor || '');
    if (SYSTEM_ACTORS.has(a)) return 'The agency';
    return names.get(a.toLowerCase()) || a;
  }

  async function load() {
    mount(body, pageHeader('Project'), skeleton('cards', 2, 'Loading the project…'));
    try {
      project = await ctx.api.get(`/api/projects/${encodeURIComponent(id)}`, { signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err.status === 404 || err.status === 403) {
        document.title = 'Project not found · Client Portal';
        mount(
          body,
          pageHeader('Project not found'),
          h('div', { class: 'card', 'data-testid': 'project-not-found' }, emptyState('We couldn’t find this project', 'It may have been removed, or the link may be wrong. Your projects are all on the Projects page.', 'projects', h('a', { href: '/projects', class: 'btn btn-primary' }, 'See your projects'))),
        );
        return;
      }
      mount(body, pageHeader('Project'), errorState(err, load, 'Could not load the project'));
      return;
    }
    if (ctx.signal.aborted) return;
    activity = project.activity || [];
    document.title = `${project.name} · Client Portal`;
    loadNames();
    draw();
  }

  // Best effort: people's names for the activity timeline (the API gives emails).
  async function loadNames() {
    const orgs = [project.orgId];
    if (ctx.isStaff) orgs.push(ctx.user.orgId);
    for (const orgId of orgs) {
      if (!orgId) continue;
      try {
        const res = await ctx.api.get('/api/members', { query: { orgId }, signal: ctx.signal });
        for (const m of res.items || []) if (m.email) names.set(m.email.toLowerCase(), displayName(m));
      } catch {
        /* not allowed or unavailable: emails stay as they are */
      }
    }
    if (!ctx.signal.aborted && project) drawActivity();
  }

  // Activity is written by a trigger after each change: fetch it again a moment later.
  function refreshActivitySoon(attempt = 0) {
    clearTimeout(activityTimer);
    const before = activity.length ? activity[0].id : null;
    activityTimer = setTimeout(async () => {
      try {
        const fresh = await ctx.api.get(`/api/projects/${encodeURIComponent(id)}`, { signal: ctx.signal });
        if (ctx.signal.aborted) return;
        activity = fresh.activity || [];
        drawActivity();
        if ((activity.length ? activity[0].id : null) === before && attempt < 4) refreshActivitySoon(attempt + 1);
      } catch {
        /* the next change will try again */
      }
    }, 1200 + attempt * 1500);
  }

  const slots = {};

  function draw() {
    const p = project;
    const subtitle = [badge(p.status, STATUS_LABELS[p.status]), ctx.isStaff && p.orgName ? h('span', { class: 'muted' }, p.orgName) : null];
    const header = pageHeader(p.name, subtitle, isAdmin ? statusControl() : null);
    header.querySelector('.page-subtitle').classList.add('project-subtitle');
    header.querySelector('.page-subtitle').setAttribute('data-testid', 'project-status-badge');
    slots.overview = h('section', { class: 'card project-overview', 'aria-label': 'Overview' });
    slots.milestones = h('div', { class: 'card-body' });
    slots.activity = h('div', { class: 'card-body' });
    mount(
      body,
      header,
      h(
        'div',
        { class: 'project-grid' },
        h(
          'div',
          { class: 'project-main' },
          slots.overview,
          h('section', { class: 'card', 'aria-labelledby': 'milestones-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'milestones-title', class: 'section-title' }, 'Milestones')), slots.milestones),
        ),
        h('section', { class: 'card project-side', 'aria-labelledby': 'activity-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'activity-title', class: 'section-title' }, 'Activity')), slots.activity),
      ),
    );
    drawOverview();
    drawMilestones();
    drawActivity();
  }

  function statusControl() {
    const select = h('select', { id: 'project-status-select', class: 'select', 'data-testid': 'project-status' }, STATUSES.map((s) => h('option', { value: s }, STATUS_LABELS[s])));
    select.value = project.status;
    select.addEventListener('change', async () => {
      const previous = project.status;
      select.disabled = true;
      try {
        const updated = await ctx.api.patch(`/api/projects/${encodeURIComponent(id)}`, { status: select.value }, { signal: ctx.signal });
        project = { ...project, ...updated };
        toast(`Status set to ${STATUS_LABELS[project.status]}.`, 'success');
        draw();
        refreshActivitySoon();
      } catch (err) {
        if (ctx.signal.aborted) return;
        select.value = previous;
        select.disabled = false;
        toast(err.message, 'error');
      }
    });
    return h('div', { class: 'filter' }, h('label', { for: 'project-status-select', class: 'field-label' }, 'Status'), select);
  }

  function drawOverview() {
    const p = project;
    const t = p.timeline || {};
    const ms = p.milestones || [];
    const done = ms.filter((m) => m.done).length;
    const counts = p.counts || {};
    const team = p.teamMembers || [];
    mount(
      slots.overview,
      h(
        'div',
        { class: 'overview-top' },
        progressRing(p.progress, `${p.name} progress`, 'project-progress'),
        h(
          'div',
          { class: 'overview-text' },
          p.description ? h('p', { class: 'project-description', 'data-testid': 'project-description' }, p.description) : h('p', { class: 'muted' }, 'No description yet.'),
          h('p', { class: 'muted small' }, ms.length ? `${done} of ${ms.length} milestones done` : 'No milestones yet', p.nextDue ? ` · next due ${formatDate(p.nextDue)}` : ''),
        ),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('div', null, h('dt', null, 'Start'), h('dd', null, formatDate(t.start))),
        h('div', null, h('dt', null, 'End'), h('dd', null, formatDate(t.end))),
        h('div', null, h('dt', null, 'Estimated completion'), h('dd', null, formatDate(t.estimatedCompletion || t.end))),
        h('div', null, h('dt', null, 'Last activity'), h('dd', null, timeAgo(p.lastActivity, null))),
        h('div', { class: 'facts-wide' }, h('dt', null, 'Team'), h('dd', { 'data-testid': 'project-team' }, team.length ? h('ul', { class: 'team-list' }, team.map((e) => h('li', null, actorName(e) !== e ? `${actorName(e)} (${e})` : e))) : 'Not assigned yet')),
        p.contract ? h('div', { class: 'facts-wide' }, h('dt', null, 'Contract'), h('dd', null, p.contract.title || 'Contract', ' · ', String(p.contract.status || '').replace(/_/g, ' '))) : null,
      ),
      h(
        'ul',
        { class: 'count-chips', 'aria-label': 'Related items', 'data-testid': 'project-counts' },
        h('li', null, h('a', { href: '/approvals', class: 'chip' }, h('strong', null, String(counts.openApprovals || 0)), ' open approvals')),
        h('li', null, h('a', { href: '/files', class: 'chip' }, h('strong', null, String(counts.files || 0)), ' files')),
        h('li', null, h('a', { href: '/messages', class: 'chip' }, h('strong', null, String(counts.threads || 0)), ' threads')),
      ),
    );
  }

  async function changeMilestone(button, label, call, message) {
    const restore = busy(button, label);
    try {
      const updated = await call();
      if (ctx.signal.aborted) return;
      project = { ...project, ...updated };
      drawOverview();
      drawMilestones();
      toast(message, 'success');
      refreshActivitySoon();
    } catch (err) {
      if (ctx.signal.aborted) return;
      restore();
      toast(err.message, 'error');
    }
  }

  function drawMilestones() {
    const ms = project.milestones || [];
    const nextOpen = ms.filter((m) => !m.done).sort((a, b) => String(a.due || '9999').localeCompare(String(b.due || '9999')))[0];
    const base = `/api/projects/${encodeURIComponent(id)}/milestones`;
    const list = ms.length
      ? h(
          'ol',
          { class: 'stepper', 'aria-label': 'Milestones' },
          ms.map((m) => {
            const state = milestoneState(m, nextOpen && m.id === nextOpen.id);
            const stateText = { done: 'Done', overdue: 'Overdue', current: 'Up next', upcoming: 'Upcoming' }[state];
            let actions = null;
            if (canEditMilestones) {
              const toggle = h('button', { type: 'button', class: `btn btn-sm ${m.done ? 'btn-secondary' : 'btn-primary'}`, 'data-testid': 'milestone-toggle', 'aria-label': `${m.done ? 'Reopen' : 'Mark done'}: ${m.title}` }, m.done ? 'Reopen' : 'Mark done');
              toggle.addEventListener('click', () =>
                changeMilestone(toggle, 'Saving…', () => ctx.api.patch(`${base}/${encodeURIComponent(m.id)}`, { done: !m.done }, { signal: ctx.signal }), m.done ? `Reopened “${m.title}”.` : `Marked “${m.title}” done.`),
              );
              const remove = h('button', { type: 'button', class: 'icon-btn icon-btn-sm', 'data-testid': 'milestone-remove', 'aria-label': `Remove ${m.title}`, title: 'Remove' }, icon('trash'));
              remove.addEventListener('click', () => {
                if (!window.confirm(`Remove the milestone “${m.title}”?`)) return;
                changeMilestone(remove, '', () => ctx.api.del(`${base}/${encodeURIComponent(m.id)}`, { signal: ctx.signal }), `Removed “${m.title}”.`);
              });
              actions = h('div', { class: 'step-actions' }, toggle, remove);
            }
            return h(
              'li',
              { class: `step is-${state}`, 'data-testid': 'milestone', 'data-done': String(Boolean(m.done)), 'data-state': state, 'data-milestone-id': m.id },
              h('span', { class: 'step-marker', 'aria-hidden': 'true' }, m.done ? icon('check') : state === 'overdue' ? '!' : ''),
              h(
                'div',
                { class: 'step-body' },
                h('span', { class: 'step-title' }, m.title),
                h(
                  'span',
                  { class: 'step-meta' },
                  h('span', { class: `step-state step-state-${state}` }, stateText),
                  m.done ? (m.doneAt ? ` · completed ${formatDate(m.doneAt)}` : '') : m.due ? ` · ${dueLabel(m.due)} · ${formatDate(m.due)}` : ' · no due date',
                ),
              ),
              actions,
            );
          }),
        )
      : h('p', { class: 'muted' }, 'No milestones yet.');
    mount(slots.milestones, list, canEditMilestones ? addForm() : null);
  }

  function addForm() {
    const title = h('input', { id: 'milestone-title', class: 'input', type: 'text', maxlength: '200', required: true, autocomplete: 'off', 'data-testid': 'milestone-title', placeholder: 'e.g. Final review' });
    const due = h('input', { id: 'milestone-due', class: 'input', type: 'date', 'data-testid': 'milestone-due' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'milestone-add' }, icon('plus'), 'Add milestone');
    const errorSlot = h('div', { class: 'error-slot' });
    const form = h(
      'form',
      { class: 'milestone-form', novalidate: true, 'aria-label': 'Add a milestone' },
      h('div', { class: 'field milestone-form-title' }, h('label', { for: 'milestone-title', class: 'field-label' }, 'New milestone'), title),
      h('div', { class: 'field' }, h('label', { for: 'milestone-due', class: 'field-label' }, 'Due (optional)'), due),
      submit,
      errorSlot,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errorSlot.replaceChildren();
      const text = title.value.trim();
      if (!text) {
        errorSlot.append(inlineError('Give the milestone a title.', 'milestone-error'));
        title.focus();
        return;
      }
      const restore = busy(submit, 'Adding…');
      try {
        const updated = await ctx.api.post(`/api/projects/${encodeURIComponent(id)}/milestones`, { title: text, due: due.value || null }, { signal: ctx.signal });
        if (ctx.signal.aborted) return;
        project = { ...project, ...updated };
        drawOverview();
        drawMilestones();
        toast(`Added “${text}”.`, 'success');
        refreshActivitySoon();
        const again = slots.milestones.querySelector('[data-testid="milestone-title"]');
        if (again) again.focus();
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        errorSlot.append(inlineError(err.message, 'milestone-error'));
      }
    });
    return form;
  }

  function drawActivity() {
    if (!slots.activity) return;
    const items = activity.slice().sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
    if (!items.length) {
      mount(slots.activity, h('p', { class: 'muted' }, 'No activity yet. Changes to milestones and status appear here.'));
      return;
    }
    mount(
      slots.activity,
      h(
        'ol',
        { class: 'timeline' },
        items.map((a) => h('li', { class: `timeline-item type-${String(a.type).replace(/\W/g, '-')}`, 'data-testid': 'activity-item' }, h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }), h('div', { class: 'timeline-body' }, h('span', { class: 'timeline-text' }, activitySentence(a, actorName(a.actor))), timeAgo(a.at)))),
      ),
    );
  }

  await load();
}
