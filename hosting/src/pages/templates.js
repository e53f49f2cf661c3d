// Project templates (staff read, admins manage: "templates.manage"): a name, a
// description and milestones, each a title and an offset in days from the start.

import { useState } from 'preact/hooks';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Load, useResource } from '../load.js';
import { can } from '../state.js';
import { Button, EmptyState, Field, InlineError, PageHeader, plural, toast } from '../ui.js';

export const milestonesToText = (milestones) => (milestones || []).map((m) => `${m.offsetDays} | ${m.title}`).join('\n');

export function textToMilestones(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [days, ...rest] = line.split('|');
      return rest.length ? { offsetDays: Number(days.trim()), title: rest.join('|').trim() } : { offsetDays: 0, title: line };
    });
}

function TemplateForm({ template, api, onSaved, onCancel }) {
  const [name, setName] = useState(template ? template.name : '');
  const [description, setDescription] = useState(template ? template.description : '');
  const [steps, setSteps] = useState(template ? milestonesToText(template.milestones) : '');
  const { busy, error, run } = useSubmit();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const body = { name: name.trim(), description, milestones: textToMilestones(steps) };
      const res = template ? await api.patch(`/api/templates/${template.id}`, body) : await api.post('/api/templates', body);
      toast(`Template “${res.name}” saved.`, 'success');
      onSaved(res);
    });
  };
  const id = template ? template.id : 'new';
  return html`
    <form class="form" novalidate onSubmit=${submit} data-testid="template-form">
      <${InlineError} message=${error} />
      <${Field} id=${`tpl-name-${id}`} label="Name"><input id=${`tpl-name-${id}`} class="input" data-testid="template-name" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /><//>
      <${Field} id=${`tpl-desc-${id}`} label="Description"><textarea id=${`tpl-desc-${id}`} class="input" rows="2" value=${description} onInput=${(e) => setDescription(e.currentTarget.value)}></textarea><//>
      <${Field} id=${`tpl-steps-${id}`} label="Milestones" hint="One per line: days after the start | title (e.g. 14 | Concepts)"><textarea id=${`tpl-steps-${id}`} class="input" rows="5" data-testid="template-milestones" value=${steps} onInput=${(e) => setSteps(e.currentTarget.value)}></textarea><//>
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Saving…" data-testid="template-save">Save template<//>
        ${onCancel ? html`<${Button} onClick=${onCancel}>Cancel<//>` : null}
      </div>
    </form>
  `;
}

function TemplateRow({ t, api, manage, onChange }) {
  const [editing, setEditing] = useState(false);
  const remove = async () => {
    if (!window.confirm(`Delete the template “${t.name}”? Projects made from it keep their milestones.`)) return;
    try {
      await api.del(`/api/templates/${t.id}`);
      toast('Template deleted.', 'success');
      onChange();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  if (editing) return html`<li class="row row-form"><${TemplateForm} template=${t} api=${api} onSaved=${() => { setEditing(false); onChange(); }} onCancel=${() => setEditing(false)} /></li>`;
  return html`
    <li class="row" data-testid="template-row">
      <div class="row-main">
        <span class="row-title">${t.name}</span>
        <span class="row-sub">${plural(t.milestones.length, 'milestone')}${t.milestones.length ? `: ${t.milestones.map((m) => `${m.title} (day ${m.offsetDays})`).join(', ')}` : ''}</span>
      </div>
      ${manage
        ? html`<div class="row-actions"><${Button} class="btn btn-secondary btn-sm" data-testid="template-edit" onClick=${() => setEditing(true)}>Edit<//> <${Button} class="btn btn-danger-ghost btn-sm" data-testid="template-delete" onClick=${remove}>Delete<//></div>`
        : null}
    </li>
  `;
}

export default function TemplatesPage(ctx) {
  const templates = useResource((signal) => ctx.api.get('/api/templates', { signal }), []);
  const manage = can('templates.manage', 'agency');
  // The new-template form starts empty again after a save, not when the list arrives (what was
  // typed, or the error of a save, stays while it loads).
  const [saves, setSaves] = useState(0);
  const saved = () => {
    setSaves((n) => n + 1);
    templates.reload();
  };
  return html`
    <${PageHeader} title="Project templates" subtitle="Milestone sets new projects can start from." />
    <div class="team-grid">
      <div class="team-main">
        <section class="card"><div class="card-body">
          <${Load} resource=${templates} skeleton=${{ kind: 'rows', count: 3 }} errorTitle="Could not load templates"
                   isEmpty=${(d) => !d.items.length} empty=${html`<${EmptyState} title="No templates yet" text=${manage ? 'Create one to start projects faster.' : 'An admin can create templates.'} icon="projects" />`}>
            ${(d) => html`<ul class="rows">${d.items.map((t) => html`<${TemplateRow} key=${t.id} t=${t} api=${ctx.api} manage=${manage} onChange=${templates.reload} />`)}</ul>`}
          <//>
        </div></section>
      </div>
      <div class="team-side">
        ${manage
          ? html`<section class="card"><div class="card-body"><h2 class="section-title">New template</h2><${TemplateForm} key=${saves} api=${ctx.api} onSaved=${saved} /></div></section>`
          : html`<section class="card"><div class="card-body"><p class="muted">Only admins manage templates.</p></div></section>`}
      </div>
    </div>
  `;
}
