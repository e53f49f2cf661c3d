// Restore a deleted account: the link mailed when someone deleted their own account
// carries a single-use token in its fragment (never sent to a server in a URL); the
// page posts it once the person confirms, then sends them to sign in.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Button, ErrorState, InlineError } from '../ui.js';
import { AuthBrand, AuthTitle } from './login.js';

function ToLogin({ primary }) {
  return html`<a href="/login" class=${`btn ${primary ? 'btn-primary' : 'btn-secondary'} btn-block`} data-testid="restore-to-login">Go to sign in</a>`;
}

// The token leaves the address bar and the history entry at once.
function restoreToken() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  if (location.hash) history.replaceState(history.state, '', location.pathname);
  return token;
}

export default function RestorePage() {
  const [token] = useState(restoreToken);
  const [state, setState] = useState({ name: 'ask' });
  const { busy, error, run } = useSubmit({
    messageOf: (err) => err.message || 'The account could not be restored. Try again.',
    // A link that is unknown, used or expired cannot be retried: say so instead of the form.
    onError: (err) => {
      if (err.status === 404 || err.status === 400) setState({ name: 'invalid', message: err.message });
    },
  });
  const note = useRef(null);
  useEffect(() => {
    if (state.name !== 'ask') note.current?.focus();
  }, [state.name]);

  const restore = () =>
    run(async () => {
      const out = await api.post('/api/account/restore', { token }, { auth: false });
      setState({ name: 'done', email: out.email });
    });

  let content;
  if (!token) {
    content = html`
      <${AuthTitle}>Restore link incomplete<//>
      <${ErrorState} error=${{ message: 'This link has no restore token. Open the link from the email again.' }} title="Missing token" />
      <${ToLogin} />
    `;
  } else if (state.name === 'done') {
    content = html`
      <${AuthTitle}>Your account is back<//>
      <div ref=${note} tabindex="-1" class="alert alert-info" role="status" data-testid="restore-done">
        Your account <strong>${state.email}</strong> is restored and will not be deleted. Sign in with your email and password as before.
      </div>
      <${ToLogin} primary=${true} />
    `;
  } else if (state.name === 'invalid') {
    content = html`
      <${AuthTitle}>This link can’t be used<//>
      <div ref=${note} tabindex="-1" class="alert alert-error" role="alert" data-testid="restore-invalid">${state.message}</div>
      <${ToLogin} />
    `;
  } else {
    content = html`
      <${AuthTitle}>Restore your account<//>
      <p class="auth-lead">You deleted your account. Until the grace period ends you can bring it back as it was: your profile, your settings and your access.</p>
      <div class="error-slot"><${InlineError} message=${error} /></div>
      <${Button} class="btn btn-primary btn-block" busy=${busy} busyLabel="Restoring…" onClick=${restore} data-testid="restore-submit">Restore my account<//>
      <p class="muted small">The link works once. Changed your mind? Just close this page: the deletion goes ahead.</p>
    `;
  }
  return html`<${AuthBrand} /><section class="auth-card" aria-labelledby="auth-title">${content}</section>`;
}
