// New project (staff, "projects.create"): client, name, description, timeline, team
// from the agency's people and milestones, starting from a template when there is one
// (its milestones, due their offsets after the start, filled in and editable).

import { useState } from 'preact/hooks';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Load, useResource } from '../load.js';
import { displayName } from '../state.js';
import { Button, Field, InlineError, PageHeader, toast } from '../ui.js';

const addDays = (start, days) => {
  const d = new Date(`${start || new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + Number(days || 0));
  return d.toISOString().slice(0, 10);
};

export const milestoneText = (items) => items.map((m) => `${m.due || ''} | ${m.title}`).join('\n');

export function parseMilestones(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [due, ...rest] = line.split('|');
      if (!rest.length) return { title: line };
      const out = { title: rest.join('|').trim() };
      if (due.trim()) out.due = due.trim();
      return out;
    });
}

function ProjectForm({ ctx, templates, staff }) {
  const [form, setForm] = useState({ orgId: ctx.orgId || '', templateId: '', name: '', description: '', start: new Date().toISOString().slice(0, 10), end: '', team: [ctx.user.email], milestones: '' });
  // Busy stays after a success: the new project's page replaces this one.
  const { busy, error, run, invalid } = useSubmit({ keepBusy: true });
  const set = (k) => (e) => setForm({ ...form, [k]: e.currentTarget.value });
  const fromTemplate = (id, start) => {
    const t = templates.find((x) => x.id === id);
    return t ? milestoneText(t.milestones.map((m) => ({ title: m.title, due: addDays(start, m.offsetDays) }))) : '';
  };
  const chooseTemplate = (e) => {
    const id = e.currentTarget.value;
    const t = templates.find((x) => x.id === id);
    setForm({ ...form, templateId: id, milestones: fromTemplate(id, form.start), description: form.description || (t ? t.description : '') });
  };
  const chooseStart = (e) => {
    const start = e.currentTarget.value;
    setForm({ ...form, start, milestones: form.templateId ? fromTemplate(form.templateId, start) : form.milestones });
  };
  const toggle = (email) => setForm({ ...form, team: form.team.includes(email) ? form.team.filter((x) => x !== email) : [...form.team, email] });
  const submit = async (event) => {
    event.preventDefault();
    if (!form.orgId) return invalid('Choose the client.');
    if (!form.name.trim()) return invalid('Give the project a name.');
    await run(async () => {
      const timeline = {};
      if (form.start) timeline.start = form.start;
      if (form.end) timeline.end = form.end;
      const body = { orgId: form.orgId, name: form.name.trim(), description: form.description, timeline, teamMembers: form.team, milestones: parseMilestones(form.milestones) };
      if (form.templateId) body.templateId = form.templateId;
      const project = await ctx.api.post('/api/projects', body);
      toast(`Project “${project.name}” created.`, 'success');
      ctx.navigate(`/projects/${project.id}`);
    });
  };
  return html`
    <form class="form card card-body" novalidate onSubmit=${submit}>
      <div class="error-slot"><${InlineError} message=${error} /></div>
      <${Field} id="np-client" label="Client">
        <select id="np-client" class="select" data-testid="np-client" value=${form.orgId} onChange=${set('orgId')}>
          <option value="">Choose a client…</option>
          ${ctx.orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
        </select>
      <//>
      <${Field} id="np-template" label="Template" hint=${templates.length ? 'Fills in the milestones; you can still change them.' : 'No templates yet: an admin can create them.'}>
        <select id="np-template" class="select" data-testid="np-template" value=${form.templateId} onChange=${chooseTemplate}>
          <option value="">No template</option>
          ${templates.map((t) => html`<option key=${t.id} value=${t.id}>${t.name}</option>`)}
        </select>
      <//>
      <${Field} id="np-name" label="Name"><input id="np-name" class="input" data-testid="np-name" value=${form.name} onInput=${set('name')} /><//>
      <${Field} id="np-desc" label="Description"><textarea id="np-desc" class="input" rows="3" data-testid="np-description" value=${form.description} onInput=${set('description')}></textarea><//>
      <div class="form-row">
        <${Field} id="np-start" label="Start"><input id="np-start" type="date" class="input" data-testid="np-start" value=${form.start} onInput=${chooseStart} /><//>
        <${Field} id="np-end" label="End"><input id="np-end" type="date" class="input" value=${form.end} onInput=${set('end')} /><//>
      </div>
      <fieldset class="field">
        <legend class="field-label">Team</legend>
        ${staff.map((m) => html`<label key=${m.uid} class="check"><input type="checkbox" data-testid="np-team" value=${m.email} checked=${form.team.includes(m.email)} onChange=${() => toggle(m.email)} /> ${displayName(m)} <span class="muted small">${m.email}</span></label>`)}
      </fieldset>
      <${Field} id="np-milestones" label="Milestones" hint="One per line: due date | title"><textarea id="np-milestones" class="input input-mono" rows="6" data-testid="np-milestones" value=${form.milestones} onInput=${set('milestones')}></textarea><//>
      <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Creating…" data-testid="np-submit">Create project<//>
    </form>
  `;
}

export default function NewProjectPage(ctx) {
  const data = useResource(
    async (signal) => {
      const [templates, members] = await Promise.all([
        ctx.api.get('/api/templates', { signal }),
        ctx.api.get('/api/members', { query: { orgId: ctx.user.orgId }, signal }),
      ]);
      return { templates: templates.items, staff: members.items.filter((m) => !m.disabled) };
    },
    [],
  );
  return html`
    <${PageHeader} title="New project" subtitle="For one of your clients." />
    <div class="page-body">
      <${Load} resource=${data} skeleton=${{ kind: 'rows', count: 4 }} errorTitle="Could not load templates and the team">
        ${(d) => html`<${ProjectForm} ctx=${ctx} templates=${d.templates} staff=${d.staff} />`}
      <//>
    </div>
  `;
}
