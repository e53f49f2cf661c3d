// Accept an invitation: look the link up, confirm the address through a link Firebase
// emails to it, then choose a name and password; the account exists only after that.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { EMAIL_RE, ROLE_LABELS } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, useResource } from '../load.js';
import { Button, ErrorState, Field, InlineError, formatDateTime } from '../ui.js';
import { AuthBrand, AuthTitle } from './login.js';

function ToLogin() {
  return html`<a href="/login" class="btn btn-secondary btn-block">Go to sign in</a>`;
}

// Step 1 (the invite link): anyone holding the link may ask, but the confirmation goes
// to the invited address only, so the link alone never makes an account.
function ConfirmAddress({ invite, token }) {
  const { busy, error, run } = useSubmit({ messageOf: (err) => err.message || 'The confirmation email could not be sent. Try again.' });
  const [sent, setSent] = useState(false);
  const note = useRef(null);
  useEffect(() => {
    if (sent) note.current?.focus();
  }, [sent]);

  const send = () =>
    run(async () => {
      const auth = import('../auth.js');
      auth.catch(() => {});
      const started = await api.post('/api/invites/accept', { token }, { auth: false });
      const mod = await auth;
      try {
        await mod.sendInviteLink(started.email, started.invite);
      } catch (err) {
        throw new Error(mod.authErrorMessage(err));
      }
      setSent(true);
    });

  return html`
    <${AuthTitle}>Join ${invite.orgName || 'the portal'}<//>
    <p class="auth-lead">You’ve been invited as <strong>${ROLE_LABELS[invite.role] || invite.role}</strong>.</p>
    ${invite.expiresAt ? html`<p class="muted small invite-expiry"><${Icon} name="calendar" />This invitation expires ${formatDateTime(invite.expiresAt)}.</p>` : null}
    <div class="error-slot"><${InlineError} message=${error} /></div>
    ${sent
      ? html`<div ref=${note} tabindex="-1" class="alert alert-info" role="status" data-testid="invite-link-sent">
          We sent a link to <strong>${invite.email}</strong>. Open it to confirm the address, then choose your name and password.
        </div>`
      : html`
        <p>To make sure the account goes to the right person, we’ll email a link to <strong data-testid="invite-email">${invite.email}</strong>. Open it to finish setting up.</p>
        <${Button} class="btn btn-primary btn-block" busy=${busy} busyLabel="Sending…" onClick=${send} data-testid="invite-send-link">Email me a link to confirm<//>
      `}
  `;
}

// Step 2 (the link from the email): signing in with it proves the address; then the
// account is created with the name and password chosen here.
function FinishForm({ invite, href, onSignedIn, onReady }) {
  const [form, setForm] = useState(() => ({ email: '', first: '', last: '', password: '' }));
  const [stored, setStored] = useState(null);
  // Busy stays after a success: signing in replaces the page.
  const { busy, error, run, invalid } = useSubmit({ keepBusy: true });
  const emailRef = useRef(null);
  const first = useRef(null);
  const password = useRef(null);
  const auth = useRef(null);
  if (!auth.current) {
    auth.current = import('../auth.js');
    auth.current.catch(() => {});
  }
  useEffect(() => {
    auth.current
      .then((mod) => {
        const email = mod.storedEmailForLink();
        setStored(email);
        setForm((f) => ({ ...f, email }));
      })
      .catch(() => setStored(''));
  }, []);
  useEffect(() => {
    if (stored === null) return;
    (stored ? first : emailRef).current?.focus();
  }, [stored]);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });

  const submit = async (event) => {
    event.preventDefault();
    if (!EMAIL_RE.test(form.email.trim())) return invalid('Enter the email address the invitation was sent to.', emailRef);
    if (!form.first.trim()) return invalid('Enter your first name.', first);
    if (form.password.length < 8) return invalid('Choose a password of at least 8 characters.', password);
    let ready = null; // the account exists, only signing in failed: why
    const ok = await run(async () => {
      let mod;
      try {
        mod = await auth.current;
        await mod.completeInvite(form.email.trim(), invite, { password: form.password, firstName: form.first.trim(), lastName: form.last.trim() }, href);
      } catch (err) {
        if (!err.accountCreated) throw new Error(mod ? mod.authErrorMessage(err) : 'The sign-in could not start.');
        ready = mod.authErrorMessage(err);
      }
    });
    if (ready !== null) onReady(ready);
    else if (ok) await onSignedIn();
  };

  return html`
    <${AuthTitle}>Finish setting up your account<//>
    <p class="auth-lead">Your address is confirmed by the link you opened. Choose how you’ll appear and your password.</p>
    <div class="error-slot"><${InlineError} message=${error} /></div>
    <form class="form" novalidate onSubmit=${submit}>
      <${Field} id="accept-email" label="Email" hint=${stored ? null : 'The address the invitation was sent to.'}>
        <input ref=${emailRef} id="accept-email" type="email" class="input" autocomplete="username" required readonly=${!!stored} aria-describedby=${stored ? null : 'accept-email-hint'} value=${form.email} onInput=${set('email')} data-testid="accept-email" />
      <//>
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

/** The emailed link's landing: /invite?invite={orgId}.{inviteId}&mode=signIn&oobCode=… */
function emailLanding() {
  const params = new URLSearchParams(location.search);
  const invite = params.get('invite');
  if (!invite || params.get('mode') !== 'signIn' || !params.has('oobCode')) return null;
  const href = location.href;
  history.replaceState(history.state, '', location.pathname);
  return { invite, href };
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
  const [landing] = useState(emailLanding);
  const [token] = useState(() => (landing ? '' : inviteToken()));
  const invite = useResource(token ? (signal) => api.post('/api/invites/lookup', { token }, { auth: false, signal }) : null, [token]);
  const [ready, setReady] = useState(null);

  let content;
  if (landing && ready === null) {
    content = html`<${FinishForm} invite=${landing.invite} href=${landing.href} onSignedIn=${onSignedIn} onReady=${setReady} />`;
  } else if (!token && !landing) {
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
        ${(data) => html`<${ConfirmAddress} invite=${data} token=${token} />`}
      <//>
    `;
    if (invite.loading && invite.data === undefined) content = html`<${AuthTitle}>Your invitation<//>${content}`;
  }
  return html`<${AuthBrand} /><section class="auth-card" aria-labelledby="auth-title">${content}</section>`;
}
