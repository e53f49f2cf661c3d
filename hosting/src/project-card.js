// A project as a card: name, status, progress bar, milestones and dates.

import { h } from './dom.js';
import { badge, formatDate, isPast, progressBar } from './ui.js';

export const STATUSES = ['planning', 'active', 'review', 'completed', 'paused'];
export const STATUS_LABELS = { planning: 'Planning', active: 'Active', review: 'In review', completed: 'Completed', paused: 'Paused' };

export function nextMilestone(project) {
  return (project.milestones || [])
    .filter((m) => !m.done)
    .sort((a, b) => String(a.due || '9999').localeCompare(String(b.due || '9999')))[0];
}

export function projectPath(project) {
  return `/projects/${encodeURIComponent(project.id)}`;
}

/**
 * A project card. Takes a full project (with `milestones`, from /api/projects) or a
 * dashboard summary card (`milestonesDone`, `milestonesTotal`, `nextDue`). The
 * project name links to the project page; the whole card is its click target.
 */
export function projectCard(project, { showOrg = false, detailed = false } = {}) {
  const milestones = project.milestones || [];
  const summary = !project.milestones && project.milestonesTotal !== undefined;
  const total = summary ? project.milestonesTotal : milestones.length;
  const done = summary ? project.milestonesDone : milestones.filter((m) => m.done).length;
  const next = summary ? null : nextMilestone(project);
  const timeline = project.timeline || {};

  const meta = h(
    'dl',
    { class: 'meta' },
    h('div', null, h('dt', null, 'Milestones'), h('dd', null, total ? `${done} of ${total} done` : 'None yet')),
    next
      ? h('div', null, h('dt', null, 'Next'), h('dd', { class: next.due && isPast(next.due) ? 'overdue' : null }, next.title, next.due ? ` · ${formatDate(next.due)}` : ''))
      : null,
    summary && project.nextDue ? h('div', null, h('dt', null, 'Next due'), h('dd', { class: isPast(project.nextDue) ? 'overdue' : null }, formatDate(project.nextDue))) : null,
    detailed && (timeline.start || timeline.end)
      ? h('div', null, h('dt', null, 'Timeline'), h('dd', null, `${formatDate(timeline.start)} – ${formatDate(timeline.end || timeline.estimatedCompletion)}`))
      : null,
  );

  const list =
    detailed && milestones.length
      ? h(
          'details',
          { class: 'milestones' },
          h('summary', null, `Show milestones (${milestones.length})`),
          h(
            'ul',
            { class: 'milestone-list' },
            milestones.map((m) =>
              h(
                'li',
                { class: m.done ? 'is-done' : null },
                h('span', { class: 'milestone-check', 'aria-hidden': 'true' }, m.done ? '✓' : ''),
                h('span', { class: 'milestone-title' }, m.title, h('span', { class: 'visually-hidden' }, m.done ? ' (done)' : ' (open)')),
                h('span', { class: `milestone-due${!m.done && m.due && isPast(m.due) ? ' overdue' : ''}` }, m.due ? formatDate(m.due) : ''),
              ),
            ),
          ),
        )
      : null;

  return h(
    'article',
    { class: 'card project-card', 'data-testid': 'project-card', 'data-project-id': project.id },
    h(
      'div',
      { class: 'project-card-head' },
      h('div', { class: 'project-card-titles' }, showOrg && project.orgName ? h('p', { class: 'eyebrow' }, project.orgName) : null, h('h3', { class: 'project-name' }, h('a', { href: projectPath(project), class: 'card-link' }, project.name))),
      badge(project.status, STATUS_LABELS[project.status]),
    ),
    detailed && project.description ? h('p', { class: 'project-desc' }, project.description) : null,
    progressBar(project.progress, `${project.name} progress`),
    meta,
    list,
  );
}
