// A project as a card: name, status, progress bar, milestones and dates.

import { PROJECT_STATUS_LABELS } from './constants.js';
import { html } from './html.js';
import { Badge, ProgressBar, formatDate, isPast } from './ui.js';

export function nextMilestone(project) {
  return (project.milestones || [])
    .filter((m) => !m.done)
    .sort((a, b) => String(a.due || '9999').localeCompare(String(b.due || '9999')))[0];
}

export function projectPath(project) {
  return `/projects/${encodeURIComponent(project.id)}`;
}

/**
 * A full project (with `milestones`, from /api/projects) or a dashboard summary card
 * (`milestonesDone`, `milestonesTotal`, `nextDue`). The name links to the project page.
 */
// `level`: the card title's heading level under the page's own headings (3 under an h2).
export function ProjectCard({ project, showOrg = false, detailed = false, level = 3 }) {
  const Heading = `h${level}`;
  const milestones = project.milestones || [];
  const summary = !project.milestones && project.milestonesTotal !== undefined;
  const total = summary ? project.milestonesTotal : milestones.length;
  const done = summary ? project.milestonesDone : milestones.filter((m) => m.done).length;
  const next = summary ? null : nextMilestone(project);
  const timeline = project.timeline || {};
  return html`
    <article class="card project-card" data-testid="project-card" data-project-id=${project.id}>
      <div class="project-card-head">
        <div class="project-card-titles">
          ${showOrg && project.orgName ? html`<p class="eyebrow">${project.orgName}</p>` : null}
          <${Heading} class="project-name"><a href=${projectPath(project)} class="card-link">${project.name}</a><//>
        </div>
        <${Badge} status=${project.status} label=${PROJECT_STATUS_LABELS[project.status]} />
      </div>
      ${detailed && project.description ? html`<p class="project-desc">${project.description}</p>` : null}
      <${ProgressBar} value=${project.progress} label=${`${project.name} progress`} />
      <dl class="meta">
        <div><dt>Milestones</dt><dd>${total ? `${done} of ${total} done` : 'None yet'}</dd></div>
        ${next ? html`<div><dt>Next</dt><dd class=${next.due && isPast(next.due) ? 'overdue' : undefined}>${next.title}${next.due ? ` · ${formatDate(next.due)}` : ''}</dd></div>` : null}
        ${summary && project.nextDue ? html`<div><dt>Next due</dt><dd class=${isPast(project.nextDue) ? 'overdue' : undefined}>${formatDate(project.nextDue)}</dd></div>` : null}
        ${detailed && (timeline.start || timeline.end) ? html`<div><dt>Timeline</dt><dd>${formatDate(timeline.start)} – ${formatDate(timeline.end || timeline.estimatedCompletion)}</dd></div>` : null}
      </dl>
      ${detailed && milestones.length
        ? html`
            <details class="milestones">
              <summary>Show milestones (${milestones.length})</summary>
              <ul class="milestone-list">
                ${milestones.map(
                  (m) => html`
                    <li key=${m.id} class=${m.done ? 'is-done' : undefined}>
                      <span class="milestone-check" aria-hidden="true">${m.done ? '✓' : ''}</span>
                      <span class="milestone-title">${m.title}<span class="visually-hidden">${m.done ? ' (done)' : ' (open)'}</span></span>
                      <span class=${`milestone-due${!m.done && m.due && isPast(m.due) ? ' overdue' : ''}`}>${m.due ? formatDate(m.due) : ''}</span>
                    </li>
                  `,
                )}
              </ul>
            </details>
          `
        : null}
    </article>
  `;
}
