// Sign-in: email + password, or a one-time link by email. Accounts exist only by
// invitation, so a refusal from the server is shown as the server words it. The links
// Firebase emails land here too (the action URL of its email templates is /login): a
// sign-in link, a password reset, an address to confirm, a change of address to undo.

import { useEffect, useRef, useState } from 'preact/hooks';
import { authErrorMessage, loadAuth } from '../auth-lazy.js';
import { EMAIL_RE, PORTAL_NAME } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { SecondFactorStep, useCodeForm } from '../second-factor.js';
import { rememberNext, session } from '../state.js';
import { Button, Field, InlineError, Spinner } from '../ui.js';

const LOAD_FAILED = 'The sign-in page could not load. Reload and try again.';
/** Errors of the sign-in module as sentences (its chunk failing to load included). */
const authMessage = (err) => authErrorMessage(err, LOAD_FAILED);

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
    ref.current = loadAuth();
    ref.current.catch(() => {}); // reported when used
  }
  return ref.current;
}

/** An action link from Firebase's email: /login?mode=resetPassword|verifyEmail|recoverEmail&oobCode=…
 *  (&continueUrl=…), as { mode, code, next }; `next` is the continue URL when it is one of the
 *  portal's pages. The code leaves the address bar at once: a reload does not use it again. */
function pendingAction() {
  const params = new URLSearchParams(location.search);
  const mode = params.get('mode');
  const code = params.get('oobCode');
  if (!code || !['resetPassword', 'verifyEmail', 'recoverEmail'].includes(mode)) return null;
  history.replaceState(null, '', '/login');
  return { mode, code, next: portalPath(params.get('continueUrl')) };
}

/** A URL of one of the portal's own pages as a path ('' for any other, or none). */
function portalPath(url) {
  try {
    const target = new URL(url);
    return target.origin === location.origin && target.pathname !== '/login' ? target.pathname + target.search : '';
  } catch {
    return '';
  }
}

function hasPendingEmailLink() {
  const params = new URLSearchParams(location.search);
  return params.get('mode') === 'signIn' && params.has('oobCode');
}

function PasswordForm({ auth, onSignedIn, onSent, onForgot, onSecondFactor, initial }) {
  const [email, setEmail] = useState(initial.email || '');
  const [password, setPassword] = useState('');
  const form = useSubmit({ messageOf: authMessage, keepBusy: true, initialError: initial.error || '' });
  const { busy, error } = form;
  const emailRef = useRef(null);
  const passwordRef = useRef(null);
  useEffect(() => (initial.email ? passwordRef : emailRef).current.focus(), []);

  const submit = async (event) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL_RE.test(value)) return form.invalid('Enter a valid email address.', emailRef);
    if (!password) return form.invalid('Enter your password, or use “Email me a sign-in link”.', passwordRef);
    let step = null;
    const signedIn = await form.run(async () => {
      try {
        await (await auth).signInWithPassword(value, password);
      } catch (err) {
        if (!err.secondFactor && !err.enrol) {
          passwordRef.current.select();
          passwordRef.current.focus();
          throw err;
        }
        step = err.secondFactor ? { name: 'second-factor', factor: err.secondFactor } : { name: 'enrol', message: err.message };
      }
    }, 'password');
    if (step) onSecondFactor(step);
    else if (signedIn) await onSignedIn();
  };

  const sendLink = async () => {
    const value = email.trim();
    if (!EMAIL_RE.test(value)) return form.invalid('Enter your email address above, then ask for a link.', emailRef);
    if (await form.run(async () => (await auth).sendEmailLink(value), 'link')) onSent(value);
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
    <p class="auth-forgot"><button type="button" class="btn-link" onClick=${() => onForgot(email.trim())} data-testid="forgot-password">Forgot your password?</button></p>
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

/** The second step of signing in to an account with a second factor: the SMS code. */
function SecondFactor({ factor, onSignedIn, onBack }) {
  return html`
    <${AuthTitle}>Enter your code<//>
    <${SecondFactorStep} factor=${factor} id="second-factor" errorTestid="login-error" lead="We sent a code by text message to" submitLabel="Sign in" onDone=${onSignedIn} onCancel=${onBack} cancelLabel="Back to sign in" block=${true} />
  `;
}

/** Enrol a phone (when the portal requires a second factor, or from the account page). */
export function EnrolPhone({ enrolment, onDone, title = 'Add a second factor', lead }) {
  const [phone, setPhone] = useState('');
  const [verification, setVerification] = useState('');
  const phoneRef = useRef(null);
  const container = useRef(null);
  const sending = useSubmit({ messageOf: authMessage });
  const code = useCodeForm(async (value) => (await enrolment()).finish(verification, value, 'Phone'), { messageOf: authMessage });
  useEffect(() => (verification ? code.input : phoneRef).current?.focus(), [verification]);
  const send = async (event) => {
    event.preventDefault();
    if (!/^\+[1-9][0-9 ()-]{6,20}$/.test(phone.trim())) return sending.invalid('Enter the phone number with its country code, for example +44 7700 900123.', phoneRef);
    await sending.run(async () => setVerification(await (await enrolment()).send(phone.replace(/[ ()-]/g, ''), container.current)));
  };
  const finish = async (event) => {
    if (await code.submit(event)) await onDone();
  };
  return html`
    ${title ? html`<h2 class="section-title">${title}</h2>` : null}
    ${lead ? html`<p class="auth-lead">${lead}</p>` : null}
    <div class="error-slot"><${InlineError} message=${verification ? code.error : sending.error} testid="enrol-error" /></div>
    <div ref=${container}></div>
    ${verification
      ? html`<form class="form" novalidate onSubmit=${finish}>
          ${code.field('enrol-code')}
          <${Button} type="submit" class="btn btn-primary" busy=${code.busy} busyLabel="Checking…" data-testid="enrol-finish">Confirm phone<//>
        </form>`
      : html`<form class="form" novalidate onSubmit=${send}>
          <${Field} id="enrol-phone" label="Mobile phone" hint="With the country code, for example +44 7700 900123.">
            <input ref=${phoneRef} id="enrol-phone" type="tel" class="input" autocomplete="tel" maxlength="24" required aria-describedby="enrol-phone-hint" value=${phone} onInput=${(e) => setPhone(e.currentTarget.value)} data-testid="enrol-phone" />
          <//>
          <${Button} type="submit" class="btn btn-primary" busy=${sending.busy} busyLabel="Sending…" data-testid="enrol-send">Text me a code<//>
        </form>`}
  `;
}

/** "Forgot password": Firebase emails a reset link; the answer is the same for any address. */
function ForgotPassword({ auth, initialEmail, onBack }) {
  const [email, setEmail] = useState(initialEmail || '');
  const { busy, error, run, invalid } = useSubmit({ messageOf: authMessage });
  const [sent, setSent] = useState('');
  const input = useRef(null);
  const note = useRef(null);
  useEffect(() => (sent ? note : input).current?.focus(), [sent]);
  const submit = async (event) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL_RE.test(value)) return invalid('Enter a valid email address.', input);
    if (await run(async () => (await auth).sendPasswordReset(value))) setSent(value);
  };
  if (sent) {
    return html`
      <${AuthTitle}>Check your inbox<//>
      <div ref=${note} tabindex="-1" class="alert alert-info" role="status" data-testid="reset-sent">
        If <strong>${sent}</strong> has a portal account, we sent it a link to choose a new password.
      </div>
      <button type="button" class="btn btn-secondary btn-block" onClick=${onBack}>Back to sign in</button>
    `;
  }
  return html`
    <${AuthTitle}>Reset your password<//>
    <p class="auth-lead">Enter your email address and we’ll send you a link to choose a new password.</p>
    <div class="error-slot"><${InlineError} message=${error} testid="login-error" /></div>
    <form class="form" novalidate onSubmit=${submit}>
      <${Field} id="reset-email" label="Email">
        <input ref=${input} id="reset-email" type="email" class="input" autocomplete="username" required value=${email} onInput=${(e) => setEmail(e.currentTarget.value)} data-testid="reset-email" />
      <//>
      <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy} busyLabel="Sending…" data-testid="reset-submit">Send reset link<//>
    </form>
    <button type="button" class="btn btn-secondary btn-block" onClick=${onBack}>Back to sign in</button>
  `;
}

/** The reset link opened: check it, then choose the new password. */
function ChooseNewPassword({ auth, code, onDone }) {
  const [state, setState] = useState({ checking: true });
  const [password, setPassword] = useState('');
  const { busy, error, run, invalid } = useSubmit({ messageOf: authMessage, keepBusy: true });
  const input = useRef(null);
  useEffect(() => {
    (async () => {
      try {
        setState({ email: await (await auth).checkResetCode(code) });
      } catch (err) {
        onDone({ error: authMessage(err) });
      }
    })();
  }, []);
  useEffect(() => {
    if (state.email) input.current?.focus();
  }, [state.email]);
  if (state.checking) return html`<${AuthTitle}>Reset your password<//><${Spinner} label="Checking your link…" />`;
  const submit = async (event) => {
    event.preventDefault();
    if (password.length < 8) return invalid('Choose a password of at least 8 characters.', input);
    if (await run(async () => (await auth).resetPassword(code, password))) {
      onDone({ email: state.email, info: 'Your password was changed. Sign in with the new one.' });
    }
  };
  return html`
    <${AuthTitle}>Choose a new password<//>
    <p class="auth-lead">For <strong>${state.email}</strong>.</p>
    <div class="error-slot"><${InlineError} message=${error} testid="login-error" /></div>
    <form class="form" novalidate onSubmit=${submit}>
      <${Field} id="reset-password" label="New password" hint="At least 8 characters.">
        <input ref=${input} id="reset-password" type="password" class="input" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="reset-password-hint" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} data-testid="reset-password" />
      <//>
      <${Button} type="submit" class="btn btn-primary btn-block" busy=${busy} busyLabel="Saving…" data-testid="reset-password-submit">Save new password<//>
    </form>
  `;
}

/** Errors of an emailed link as sentences. */
const actionMessage = (err) =>
  authErrorMessage(err?.code === 'auth/user-not-found' ? { code: 'auth/invalid-action-code' } : err, LOAD_FAILED, 'The link could not be used. Try again.');

/**
 * An emailed link that confirms the address (`verifyEmail`) or undoes a change of the sign-in
 * address (`recoverEmail`): it is used at once, and the page says what happened. After an undone
 * change, a password reset is offered (whoever changed the address may know the password). The
 * way on: the page the link names (the account page, for a confirmation sent from it), else the
 * portal when signed in, else the sign-in form.
 */
function EmailAction({ auth, mode, code, next, onSignIn }) {
  const verify = mode === 'verifyEmail';
  const [state, setState] = useState({ name: 'checking' });
  const [resetSent, setResetSent] = useState(false);
  const reset = useSubmit({ messageOf: authMessage });
  const note = useRef(null);
  const sentNote = useRef(null);
  useEffect(() => {
    (async () => {
      try {
        const email = await (await auth).applyEmailAction(code, verify ? 'VERIFY_EMAIL' : 'RECOVER_EMAIL');
        setState({ name: 'done', email });
      } catch (err) {
        setState({ name: 'failed', message: actionMessage(err) });
      }
    })();
  }, []);
  useEffect(() => {
    if (state.name !== 'checking') note.current?.focus();
  }, [state.name]);
  useEffect(() => {
    if (resetSent) sentNote.current?.focus();
  }, [resetSent]);

  if (state.name === 'checking') {
    return html`<${AuthTitle}>${verify ? 'Confirming your email' : 'Restoring your email'}<//><${Spinner} label="Checking your link…" />`;
  }
  const done = state.name === 'done';
  const onward = ({ to, label = 'Continue', primary = true }) => {
    const cls = `btn ${primary ? 'btn-primary' : 'btn-secondary'} btn-block`;
    if (session.user) return html`<a href=${to || '/'} class=${cls} data-testid="email-action-continue">${label}</a>`;
    const signIn = () => {
      if (to) rememberNext(to);
      onSignIn(state.email || '');
    };
    return html`<button type="button" class=${cls} onClick=${signIn} data-testid="email-action-continue">Sign in</button>`;
  };

  if (!done) {
    return html`
      <${AuthTitle}>This link can’t be used<//>
      <div ref=${note} tabindex="-1" class="alert alert-error" role="alert" data-testid="email-action-failed">${state.message}</div>
      <p class="auth-lead">
        ${verify
          ? 'If your address is not confirmed yet, your account page sends a new link: “Your account”, under your name.'
          : 'If your sign-in email was changed without your asking, tell your project lead at once.'}
      </p>
      ${verify ? onward({ to: '/account', label: 'Go to your account' }) : onward({})}
    `;
  }
  if (verify) {
    return html`
      <${AuthTitle}>Email address verified<//>
      <div ref=${note} tabindex="-1" class="alert alert-info" role="status" data-testid="email-action-done">
        <span>Your email address <strong>${state.email}</strong> is verified.</span>
      </div>
      ${onward({ to: next })}
    `;
  }
  const sendReset = async () => {
    if (await reset.run(async () => (await auth).sendPasswordReset(state.email))) setResetSent(true);
  };
  return html`
    <${AuthTitle}>Email address restored<//>
    <div ref=${note} tabindex="-1" class="alert alert-info" role="status" data-testid="email-action-done">
      <span>Your sign-in email is <strong>${state.email}</strong> again.</span>
    </div>
    ${resetSent
      ? html`<div ref=${sentNote} tabindex="-1" class="alert alert-info" role="status" data-testid="email-action-reset-sent">
          <span>We sent a link to choose a new password to <strong>${state.email}</strong>.</span>
        </div>`
      : html`
          <p class="auth-lead">If you did not ask to change it, someone else may know your password: choose a new one now.</p>
          <div class="error-slot"><${InlineError} message=${reset.error} testid="login-error" /></div>
          <${Button} class="btn btn-primary btn-block" busy=${reset.busy} busyLabel="Sending…" onClick=${sendReset} data-testid="email-action-reset">Reset my password<//>
        `}
    ${onward({ to: next, primary: resetSent })}
  `;
}

/** Opened on another device or browser: ask which address the link was sent to. */
function ConfirmEmail({ onConfirm }) {
  const [email, setEmail] = useState('');
  const { busy, error, run, setError } = useSubmit();
  const input = useRef(null);
  useEffect(() => input.current.focus(), []);
  const submit = async (event) => {
    event.preventDefault();
    const value = email.trim();
    if (!EMAIL_RE.test(value)) return setError('Enter a valid email address.');
    await run(() => onConfirm(value));
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
  // form | sent | checking | confirm | second-factor | enrol | forgot | reset | action
  const [view, setView] = useState(() => {
    const action = pendingAction();
    if (action) return { name: action.mode === 'resetPassword' ? 'reset' : 'action', ...action };
    return hasPendingEmailLink() ? { name: 'checking' } : { name: 'form', info: flash };
  });
  const title = { action: view.mode === 'verifyEmail' ? 'Confirm your email' : 'Restore your email', forgot: 'Reset your password', reset: 'Reset your password' }[view.name] || 'Sign in';
  useEffect(() => {
    document.title = `${title} · ${PORTAL_NAME}`;
  }, [title]);

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
        toForm({ error: authMessage(err) });
        return;
      }
      const finish = async (email) => {
        try {
          await mod.completeEmailLink(email, href);
        } catch (err) {
          history.replaceState(null, '', '/login');
          if (err.secondFactor) setView({ name: 'second-factor', factor: err.secondFactor });
          else toForm({ email, error: authMessage(err) });
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
  else if (view.name === 'second-factor') content = html`<${SecondFactor} factor=${view.factor} onSignedIn=${onSignedIn} onBack=${() => setView({ name: 'form', round: Date.now() })} />`;
  else if (view.name === 'enrol')
    content = html`<${AuthTitle}>Two-factor sign-in<//><${EnrolPhone} title="" lead=${`${view.message} We’ll text a code to your phone; you’ll enter a new one at each sign-in.`} enrolment=${() => auth.then((m) => m.phoneEnrolment())} onDone=${onSignedIn} />`;
  else if (view.name === 'forgot') content = html`<${ForgotPassword} auth=${auth} initialEmail=${view.email} onBack=${() => setView({ name: 'form', email: view.email, round: Date.now() })} />`;
  else if (view.name === 'action') content = html`<${EmailAction} auth=${auth} mode=${view.mode} code=${view.code} next=${view.next} onSignIn=${(email) => toForm({ email })} />`;
  else if (view.name === 'reset') content = html`<${ChooseNewPassword} auth=${auth} code=${view.code} onDone=${(opts) => setView({ name: 'form', round: Date.now(), ...opts })} />`;
  else if (view.name === 'sent') content = html`<${LinkSent} email=${view.email} onBack=${() => setView({ name: 'form', email: view.email, round: Date.now() })} />`;
  else content = html`<${PasswordForm} key=${view.round || 0} auth=${auth} onSignedIn=${onSignedIn} onSent=${(email) => setView({ name: 'sent', email })} onForgot=${(email) => setView({ name: 'forgot', email })} onSecondFactor=${setView} initial=${view} />`;

  return html`
    <${AuthBrand} />
    <section class="auth-card" aria-labelledby="auth-title">${content}</section>
    <p class="auth-foot">Access is by invitation only. Ask your project lead if you need an account.</p>
  `;
}
