// Accept an invitation: look the link up, create the account, then sign in.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { ROLE_LABELS } from '../constants.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { Button, ErrorState, Field, InlineError, formatDateTime } from '../ui.js';
import { AuthBrand, AuthTitle } from './login.js';

function ToLogin() {
  return html`<a href="/login" class="btn btn-secondary btn-block">Go to sign in</a>`;
}

function AcceptForm({ invite, token, onSignedIn, onReady }) {
  const [form, setForm] = useState({ first: '', last: '', password: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef(null);
  const password = useRef(null);
  useEffect(() => first.current.focus(), []);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    if (!form.first.trim()) {
      setError('Enter your first name.');
      first.current.focus();
      return;
    }
    if (form.password.length < 8) {
      setError('Choose a password of at least 8 characters.');
      password.current.focus();
      return;
    }
    setError('');
    setBusy(true);
    const auth = import('../auth.js');
    auth.catch(() => {});
    try {
      await api.post('/api/invites/accept', { token, password: form.password, firstName: form.first.trim(), lastName: form.last.trim() }, { auth: false });
    } catch (err) {
      setBusy(false);
      setError(err.message);
      return;
    }
    let mod;
    try {
      mod = await auth;
      await mod.signInWithPassword(invite.email, form.password);
    } catch (err) {
      onReady(mod ? mod.authErrorMessage(err) : 'The sign-in could not start.');
      return;
    }
    await onSignedIn();
  };

  return html`
    <${AuthTitle}>Join ${invite.orgName || 'the portal'}<//>
    <p class="auth-lead">You’ve been invited as <strong>${ROLE_LABELS[invite.role] || invite.role}</strong>. Set up your account to get started.</p>
    ${invite.expiresAt ? html`<p class="muted small invite-expiry"><${Icon} name="calendar" />This invitation expires ${formatDateTime(invite.expiresAt)}.</p>` : null}
    <div class="error-slot"><${InlineError} message=${error} /></div>
    <form class="form" novalidate onSubmit=${submit}>
      <${Field} id="accept-email" label="Email"><input id="accept-email" type="email" class="input" autocomplete="username" value=${invite.email} readonly /><//>
      <div class="field-row">
        <${Field} id="accept-first-name" label="First name">
          <input ref=${first} id="accept-first-name" type="text" class="input" autocomplete="given-name" required maxlength="80" value=${form.first} onInput=${set('first')} data-testid="accept-first-name" />
        <//>
        <${Field} id="accept-last-name" label="Last name">
          <input id="accept-last-name" type="text" class="input" autocomplete="family-name" maxlength="80" value=${form.last} onInput=${set('last')} data-testid="accept-last-name" />
        <//>
      </div>
      <${Field} id="accept-password" label="Password" hint="At least 8 characters.">
        <input ref=${password} id="accept-password" type="password" class="input" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="accept-password-hint" value=${form.password} onInput=${set('password')} data-testid="accept-password" />
      <//>
      <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy} busyLabel="Creating your account…" data-testid="accept-submit">Create account and sign in<//>
    </form>
  `;
}

// The token comes in the link's fragment, which browsers never send to a server; links
// of older versions carried it in the query. Either way it leaves the address bar and
// the history entry at once.
function inviteToken() {
  const fragment = new URLSearchParams(location.hash.slice(1)).get('token');
  const query = new URLSearchParams(location.search).get('token');
  const token = fragment || query || '';
  if (token) history.replaceState(history.state, '', location.pathname);
  return token;
}

export default function InvitePage({ onSignedIn }) {
  const [token] = useState(inviteToken);
  const invite = useResource(token ? (signal) => api.post('/api/invites/lookup', { token }, { auth: false, signal }) : null, [token]);
  const [ready, setReady] = useState(null);

  let content;
  if (!token) {
    content = html`
      <${AuthTitle}>Invitation link incomplete<//>
      <${ErrorState} error=${{ message: 'This link has no invitation token. Open the link from your invitation email again, or ask for a new invite.' }} title="Missing token" />
      <${ToLogin} />
    `;
  } else if (ready !== null) {
    content = html`
      <${AuthTitle}>Your account is ready<//>
      <div class="alert alert-info" role="status">Your account was created, but signing you in failed: ${ready} Sign in with your email and new password.</div>
      <${ToLogin} />
    `;
  } else {
    content = html`
      <${Load}
        resource=${invite}
        skeleton=${{ kind: 'rows', count: 2, label: 'Checking your invitation…' }}
        onError=${(err) => {
          const gone = err.status === 404 || err.status === 410;
          return html`
            <${AuthTitle}>${gone ? 'This invitation can’t be used' : 'Could not check the invitation'}<//>
            <${ErrorState} error=${err} onRetry=${gone ? null : invite.reload} title=${gone ? 'Ask for a new invite' : 'Something went wrong'} />
            <${ToLogin} />
          `;
        }}
      >
        ${(data) => html`<${AcceptForm} invite=${data} token=${token} onSignedIn=${onSignedIn} onReady=${setReady} />`}
      <//>
    `;
    if (invite.loading && invite.data === undefined) content = html`<${AuthTitle}>Your invitation<//>${content}`;
  }
  return html`<${AuthBrand} /><section class="auth-card" aria-labelledby="auth-title">${content}</section>`;
}
