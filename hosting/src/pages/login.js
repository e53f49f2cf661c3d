// Sign-in: email + password, or a one-time link by email. Accounts exist only by
// invitation, so a refusal from the server is shown as the server words it.

import { useEffect, useRef, useState } from 'preact/hooks';
import { EMAIL_RE } from '../constants.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Button, Field, InlineError, Spinner } from '../ui.js';

const LOAD_FAILED = 'The sign-in page could not load. Reload and try again.';

export function AuthBrand() {
  return html`<div class="auth-brand"><span class="brand-mark" aria-hidden="true">P</span><span class="brand-name">Client Portal</span></div>`;
}

export function AuthTitle({ children }) {
  return html`<h1 id="auth-title" class="auth-title" data-testid="page-title">${children}</h1>`;
}

/** The Firebase Auth module, loaded once the sign-in page shows. */
function useAuthModule() {
  const ref = useRef(null);
  if (!ref.current) {
    ref.current = import('../auth.js');
    ref.current.catch(() => {}); // reported when used
  }
  return ref.current;
}

function hasPendingEmailLink() {
  const params = new URLSearchParams(location.search);
  return params.get('mode') === 'signIn' && params.has('oobCode');
}

function PasswordForm({ auth, onSignedIn, onSent, initial }) {
  const [email, setEmail] = useState(initial.email || '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(initial.error || '');
  const [busy, setBusy] = useState('');
  const emailRef = useRef(null);
  const passwordRef = useRef(null);
  useEffect(() => (initial.email ? passwordRef : emailRef).current.focus(), []);

  const submit = async (event) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL_RE.test(value)) {
      setError('Enter a valid email address.');
      emailRef.current.focus();
      return;
    }
    if (!password) {
      setError('Enter your password, or use “Email me a sign-in link”.');
      passwordRef.current.focus();
      return;
    }
    setError('');
    setBusy('password');
    let mod;
    try {
      mod = await auth;
      await mod.signInWithPassword(value, password);
    } catch (err) {
      setBusy('');
      setError(mod ? mod.authErrorMessage(err) : LOAD_FAILED);
      passwordRef.current.select();
      passwordRef.current.focus();
      return;
    }
    await onSignedIn();
  };

  const sendLink = async () => {
    const value = email.trim();
    if (!EMAIL_RE.test(value)) {
      setError('Enter your email address above, then ask for a link.');
      emailRef.current.focus();
      return;
    }
    setError('');
    setBusy('link');
    let mod;
    try {
      mod = await auth;
      await mod.sendEmailLink(value);
    } catch (err) {
      setBusy('');
      setError(mod ? mod.authErrorMessage(err) : LOAD_FAILED);
      return;
    }
    onSent(value);
  };

  return html`
    <${AuthTitle}>Sign in<//>
    <p class="auth-lead">Welcome back. Sign in to follow your projects, approvals and files.</p>
    ${initial.info ? html`<div class="alert alert-info" role="status">${initial.info}</div>` : null}
    <div class="error-slot"><${InlineError} message=${error} testid="login-error" /></div>
    <form class="form" novalidate aria-describedby="auth-title" onSubmit=${submit}>
      <${Field} id="login-email" label="Email">
        <input ref=${emailRef} id="login-email" name="email" type="email" class="input" autocomplete="username" inputmode="email" required value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} data-testid="login-email" />
      <//>
      <${Field} id="login-password" label="Password">
        <input ref=${passwordRef} id="login-password" name="password" type="password" class="input" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} data-testid="login-password" />
      <//>
      <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy === 'password'} busyLabel="Signing in…" disabled=${busy === 'link'} data-testid="login-submit">Sign in<//>
    </form>
    <div class="divider" role="separator"><span>or</span></div>
    <${Button} class="btn btn-secondary btn-block" busy=${busy === 'link'} busyLabel="Sending…" disabled=${busy === 'password'} onClick=${sendLink} data-testid="email-link-submit"><${Icon} name="mail" />Email me a sign-in link<//>
  `;
}

function LinkSent({ email, onBack }) {
  const again = useRef(null);
  useEffect(() => again.current.focus(), []);
  return html`
    <div class="auth-sent" data-testid="email-link-sent" role="status">
      <div class="state-icon"><${Icon} name="mail" /></div>
      <${AuthTitle}>Check your inbox<//>
      <p class="auth-lead">We sent a sign-in link to <strong>${email}</strong>. Open it on this device to sign in. The link works once and expires soon.</p>
      <p class="muted small">Nothing arrived? Check your spam folder. A link only arrives if the address has a portal account.</p>
    </div>
    <button ref=${again} type="button" class="btn btn-secondary btn-block" onClick=${onBack}>Use a different email or a password</button>
  `;
}

/** Opened on another device or browser: ask which address the link was sent to. */
function ConfirmEmail({ onConfirm }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef(null);
  useEffect(() => input.current.focus(), []);
  const submit = async (event) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL_RE.test(value)) {
      setError('Enter a valid email address.');
      return;
    }
    setBusy(true);
    await onConfirm(value);
    setBusy(false);
  };
  return html`
    <${AuthTitle}>Confirm your email<//>
    <p class="auth-lead">For your security, confirm the email address this link was sent to.</p>
    <div class="error-slot"><${InlineError} message=${error} testid="login-error" /></div>
    <form class="form" novalidate onSubmit=${submit}>
      <${Field} id="email-link-email" label="Email" hint="The address the sign-in link was sent to.">
        <input ref=${input} id="email-link-email" type="email" class="input" autocomplete="username" required value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} data-testid="email-link-email" />
      <//>
      <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy} busyLabel="Signing in…" data-testid="email-link-confirm">Continue<//>
    </form>
  `;
}

export default function LoginPage({ onSignedIn, flash }) {
  const auth = useAuthModule();
  // form | sent | checking | confirm
  const [view, setView] = useState(() => (hasPendingEmailLink() ? { name: 'checking' } : { name: 'form', info: flash }));

  const toForm = (opts) => {
    history.replaceState(null, '', '/login');
    setView({ name: 'form', ...opts });
  };

  useEffect(() => {
    if (view.name !== 'checking') return;
    const href = location.href;
    (async () => {
      let mod;
      try {
        mod = await auth;
        if (!(await mod.isEmailLink(href))) {
          toForm({ error: 'This sign-in link is not valid. Request a new one.' });
          return;
        }
      } catch (err) {
        toForm({ error: mod ? mod.authErrorMessage(err) : LOAD_FAILED });
        return;
      }
      const finish = async (email) => {
        try {
          await mod.completeEmailLink(email, href);
        } catch (err) {
          toForm({ email, error: mod.authErrorMessage(err) });
          return;
        }
        history.replaceState(null, '', '/login');
        await onSignedIn();
      };
      const stored = mod.storedEmailForLink();
      if (stored) await finish(stored);
      else setView({ name: 'confirm', finish });
    })();
  }, [view.name]);

  let content;
  if (view.name === 'checking') content = html`<${AuthTitle}>Signing you in<//><${Spinner} label="Checking your sign-in link…" />`;
  else if (view.name === 'confirm') content = html`<${ConfirmEmail} onConfirm=${view.finish} />`;
  else if (view.name === 'sent') content = html`<${LinkSent} email=${view.email} onBack=${() => setView({ name: 'form', email: view.email, round: Date.now() })} />`;
  else content = html`<${PasswordForm} key=${view.round || 0} auth=${auth} onSignedIn=${onSignedIn} onSent=${(email) => setView({ name: 'sent', email })} initial=${view} />`;

  return html`
    <${AuthBrand} />
    <section class="auth-card" aria-labelledby="auth-title">${content}</section>
    <p class="auth-foot">Access is by invitation only. Ask your project lead if you need an account.</p>
  `;
}
