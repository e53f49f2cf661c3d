// Notification settings: per kind, in the portal only, by email, or in the daily digest.

import { useState } from 'preact/hooks';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Load, useResource } from '../load.js';
import { Button, InlineError, PageHeader, toast } from '../ui.js';

const CHANNEL_LABELS = { in_app: 'In the portal only', email: 'Email', digest: 'Daily digest' };

function KindRow({ kind, value, channels, onChange }) {
  const name = `channel-${kind.id}`;
  return html`
    <fieldset class="pref-row" data-testid=${`pref-${kind.id}`}>
      <legend class="pref-legend">${kind.label}</legend>
      <p class="muted small pref-receives">${kind.receives}${kind.batched ? ' · mailed a few minutes later if still unread, several together' : ''}</p>
      <div class="pref-options">
        ${channels.map(
          (c) => html`
            <label key=${c} class="pref-option">
              <input type="radio" name=${name} value=${c} checked=${value === c} onChange=${() => onChange(kind.id, c)} />
              <span>${CHANNEL_LABELS[c] || c}${kind.default === c ? html`<span class="muted small"> (default)</span>` : null}</span>
            </label>
          `,
        )}
      </div>
    </fieldset>
  `;
}

function Form({ data, api, onSaved }) {
  const [choice, setChoice] = useState(() => Object.fromEntries(data.kinds.map((k) => [k.id, k.channel])));
  const { busy, error, run } = useSubmit();
  const changed = data.kinds.filter((k) => choice[k.id] !== k.channel);
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      const res = await api.patch('/api/me/preferences', { kinds: Object.fromEntries(changed.map((k) => [k.id, choice[k.id]])) });
      onSaved(res);
      toast('Notification settings saved.', 'success');
    });
  };
  return html`
    <form class="form" onSubmit=${save} data-testid="preferences-form">
      ${data.kinds.map((k) => html`<${KindRow} key=${k.id} kind=${k} value=${choice[k.id]} channels=${data.channels} onChange=${(id, c) => setChoice((s) => ({ ...s, [id]: c }))} />`)}
      <${InlineError} message=${error} />
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Saving…" disabled=${!changed.length} data-testid="preferences-save">Save settings<//>
      </div>
    </form>
  `;
}

export default function NotificationSettingsPage({ api }) {
  const res = useResource((signal) => api.get('/api/me/preferences', { signal }), []);
  return html`
    <${PageHeader} title="Notification settings" subtitle="Everything shows under the bell; choose what is also mailed to you, now or once a day." actions=${html`<a href="/notifications" class="btn btn-secondary">Back to notifications</a>`} />
    <section class="card"><div class="card-body">
      <${Load} resource=${res} skeleton=${{ kind: 'rows', count: 5, label: 'Loading your settings…' }} errorTitle="Could not load your settings">
        ${(data) => html`<${Form} key=${JSON.stringify(data.kinds.map((k) => k.channel))} data=${data} api=${api} onSaved=${(d) => res.setData(d)} />`}
      <//>
    </div></section>
  `;
}
