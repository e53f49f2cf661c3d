// View as client: an admin opens the portal as one of a client's people, read-only.
// Starting it stores the server's view-as token for this tab (state.js) and reloads:
// every request then carries it and the server answers as that person. A banner on
// every page says so and has the way out; leaving ends the view on the server (audited).

import { useEffect, useState } from 'preact/hooks';
import { ROLE_LABELS } from './constants.js';
import { html } from './html.js';
import { setViewingAs, viewingAs } from './state.js';
import { Button, toast } from './ui.js';

/** Begin viewing as `member` (uid, email): reloads the portal as them. */
export async function startViewAs(api, member) {
  const res = await api.post('/api/view-as', { uid: member.uid });
  setViewingAs(res);
  location.assign('/');
}

/** End the view (recorded on the server); the portal reloads as oneself. */
export async function exitViewAs(api) {
  const viewing = viewingAs();
  if (viewing) {
    try {
      await api.post('/api/view-as/end', { token: viewing.token }, { viewAs: false });
    } catch {
      /* the view ends in this tab whatever the server said */
    }
  }
  setViewingAs(null);
  location.assign('/');
}

/** "View as" on a client member's row (admins: capability "view_as"). */
export function ViewAsButton({ api, member, name }) {
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      await startViewAs(api, member);
    } catch (err) {
      setBusy(false);
      toast(err.message, 'error');
    }
  };
  return html`<${Button} class="btn btn-secondary btn-sm" busy=${busy} busyLabel="Opening…" data-testid="view-as" aria-label=${`View as ${name}`} onClick=${go}>View as<//>`;
}

/** The banner on every page while viewing as someone: who, read-only, and the exit. */
export function ViewAsBanner({ api, user }) {
  const viewing = viewingAs();
  const [busy, setBusy] = useState(false);
  const on = Boolean(viewing && user && user.viewer);
  useEffect(() => {
    document.body.classList.toggle('viewing-as', on); // a frame around the whole window, too
    return () => document.body.classList.remove('viewing-as');
  }, [on]);
  if (!on) return null;
  const exit = async () => {
    setBusy(true);
    await exitViewAs(api);
  };
  const who = [user.email, ROLE_LABELS[user.role] || user.role, user.orgName].filter(Boolean).join(' · ');
  return html`
    <section class="viewas-banner" role="region" aria-label="Viewing as a client" data-testid="viewas-banner">
      <p class="viewas-text"><strong>Viewing as ${who}.</strong> <span>Read-only: you see what they see; nothing you do here is saved, sent or marked read.</span></p>
      <${Button} class="btn btn-viewas-exit btn-sm" busy=${busy} busyLabel="Leaving…" data-testid="viewas-exit" onClick=${exit}>Exit view<//>
    </section>
  `;
}
