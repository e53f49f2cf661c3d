// Your account: name and time zone, password, email verification, two-factor status,
// recent sign-ins and the devices signed in (each can be signed out). What needs a fresh
// sign-in asks for the password and, for an account with a second factor, the texted code.

import { useRef, useState } from 'preact/hooks';
import { authErrorMessage, loadAuth } from '../auth-lazy.js';
import { setTimeZone, timeZone } from '../dates.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Load, useResource } from '../load.js';
import { SecondFactorStep } from '../second-factor.js';
import { session } from '../state.js';
import { Badge, Button, Field, InlineError, PageHeader, formatDateTime, toast } from '../ui.js';

function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

function Section({ id, title, children, testid }) {
  return html`
    <section class="card" aria-labelledby=${id} data-testid=${testid}>
      <div class="card-head"><h2 id=${id} class="section-title">${title}</h2></div>
      <div class="card-body">${children}</div>
    </section>
  `;
}

const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const AVATAR_MAX = 256 * 1024;

/** Your picture: PNG, JPEG or WebP up to 256 KiB, sent as the request body. */
function AvatarField({ data, api, onSaved }) {
  const { busy, error, run, invalid } = useSubmit();
  const apply = (avatarUrl) => {
    if (session.user) session.user.profile = { ...session.user.profile, avatarUrl };
    onSaved({ ...data, profile: { ...data.profile, avatarUrl } });
  };
  const upload = async (event) => {
    const file = event.currentTarget.files[0];
    event.currentTarget.value = '';
    if (!file) return;
    if (!AVATAR_TYPES.includes(file.type)) return invalid('Choose a PNG, JPEG or WebP image.');
    if (file.size > AVATAR_MAX) return invalid('Choose an image of at most 256 KB.');
    await run(async () => {
      const res = await fetch('/api/me/avatar', {
        method: 'PUT',
        headers: { 'Content-Type': file.type, 'X-CSRF-Token': session.csrfToken || '', Accept: 'application/json' },
        body: file,
        credentials: 'same-origin',
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new Error(body?.error?.message || 'The picture could not be saved.');
      apply(body.avatarUrl);
      toast('Picture saved.', 'success');
    });
  };
  const remove = () =>
    run(async () => {
      await api.del('/api/me/avatar');
      apply(null);
    });
  return html`
    <div class="avatar-field">
      ${data.profile.avatarUrl
        ? html`<img class="avatar avatar-lg" src=${data.profile.avatarUrl} alt="Your picture" width="64" height="64" data-testid="avatar-image" />`
        : html`<span class="avatar avatar-lg" aria-hidden="true">${(data.profile.firstName || data.email).slice(0, 1).toUpperCase()}</span>`}
      <div class="avatar-actions">
        <input id="avatar-file" type="file" class="visually-hidden" accept=${AVATAR_TYPES.join(',')} disabled=${busy} onChange=${upload} data-testid="avatar-file" />
        <label for="avatar-file" class="btn btn-secondary btn-sm">${busy ? 'Saving…' : 'Choose a picture'}</label>
        ${data.profile.avatarUrl ? html`<button type="button" class="btn btn-ghost btn-sm" disabled=${busy} onClick=${remove} data-testid="avatar-remove">Remove</button>` : null}
        <span class="muted small">PNG, JPEG or WebP, up to 256 KB.</span>
      </div>
    </div>
    <${InlineError} message=${error} testid="avatar-error" />
  `;
}

function ProfileForm({ data, api, onSaved }) {
  const [form, setForm] = useState({ firstName: data.profile.firstName, lastName: data.profile.lastName, timezone: data.profile.timezone || '' });
  const { busy, error, run, invalid } = useSubmit();
  const first = useRef(null);
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const options = zones();
  if (form.timezone && !options.includes(form.timezone)) options.unshift(form.timezone);

  const save = async (event) => {
    event.preventDefault();
    if (!form.firstName.trim()) return invalid('Enter your first name.', first);
    await run(async () => {
      const res = await api.patch('/api/me/profile', { firstName: form.firstName.trim(), lastName: form.lastName.trim(), timezone: form.timezone || null });
      if (session.user) session.user.profile = { ...session.user.profile, ...res.profile };
      setTimeZone(res.profile.timezone);
      onSaved(res);
      toast('Profile saved.', 'success');
    });
  };

  return html`
    <form class="form" novalidate onSubmit=${save} data-testid="profile-form">
      <div class="field-row">
        <${Field} id="profile-first-name" label="First name">
          <input ref=${first} id="profile-first-name" class="input" autocomplete="given-name" maxlength="80" required value=${form.firstName} onInput=${set('firstName')} data-testid="profile-first-name" />
        <//>
        <${Field} id="profile-last-name" label="Last name">
          <input id="profile-last-name" class="input" autocomplete="family-name" maxlength="80" value=${form.lastName} onInput=${set('lastName')} data-testid="profile-last-name" />
        <//>
      </div>
      <${Field} id="profile-timezone" label="Time zone" hint="Every date in the portal is shown in this zone.">
        <select id="profile-timezone" class="select" aria-describedby="profile-timezone-hint" value=${form.timezone} onChange=${set('timezone')} data-testid="profile-timezone">
          <option value="">This device’s zone (${browserZone})</option>
          ${options.map((z) => html`<option key=${z} value=${z}>${z.replaceAll('_', ' ')}</option>`)}
        </select>
      <//>
      <${InlineError} message=${error} />
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-primary" busy=${busy} busyLabel="Saving…" data-testid="profile-save">Save profile<//>
      </div>
    </form>
  `;
}

/**
 * A change that needs a fresh sign-in. `attempt(action, done)` runs `action(sign-in module)`
 * (which signs in again with the password), then `done()`. For an account with a second factor
 * the module throws `err.secondFactor` instead: `step(...)` then shows the texted-code step in
 * place of the form, and `done()` follows a right code. Cancelling signs the module out:
 * nothing changed, and `onCancel()` runs.
 */
function useFreshSignIn({ fallback, onCancel }) {
  const form = useSubmit({ messageOf: (err) => authErrorMessage(err, fallback) });
  const [pending, setPending] = useState(null);
  const attempt = (action, done) =>
    form.run(async () => {
      try {
        await action(await loadAuth());
      } catch (err) {
        if (!err.secondFactor) throw err;
        setPending({ factor: err.secondFactor, done });
        return;
      }
      await done();
    });
  const cancel = () => {
    pending.factor.cancel();
    setPending(null);
    onCancel();
  };
  const finished = async () => {
    setPending(null);
    await pending.done();
  };
  // A code that was right may be followed by another step (`err.secondFactor` once more,
  // e.g. signing in again with a new password): that step takes this one's place.
  const follow = (factor) => ({
    ...factor,
    finish: async (verificationId, code) => {
      try {
        await factor.finish(verificationId, code);
      } catch (err) {
        if (!err.secondFactor) throw err;
        setPending({ ...pending, factor: err.secondFactor, round: (pending.round || 0) + 1 });
        throw Object.assign(new Error('next'), { next: true });
      }
    },
  });
  const step = (id, lead, submitLabel) =>
    pending
      ? html`<div class="reauth" data-testid="reauth"><${SecondFactorStep} key=${pending.round || 0} factor=${follow(pending.factor)} id=${id} errorTestid="reauth-error"
          lead=${pending.round ? 'Done. To stay signed in on this device, enter the new code we sent by text message to' : lead} submitLabel=${pending.round ? 'Continue' : submitLabel} onDone=${finished} onCancel=${pending.round ? null : cancel} /></div>`
      : null;
  return { ...form, pending, attempt, step };
}

function PasswordForm({ email }) {
  const empty = { current: '', next: '' };
  const [form, setForm] = useState(empty);
  const current = useRef(null);
  const next = useRef(null);
  const fresh = useFreshSignIn({
    fallback: 'The password could not be changed. Try again.',
    onCancel: () => {
      setForm(empty);
      toast('Your password was not changed.', 'info');
    },
  });
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const changed = () => {
    setForm(empty);
    toast('Password changed. Other devices must sign in again.', 'success');
  };
  const submit = async (event) => {
    event.preventDefault();
    if (!form.current) return fresh.invalid('Enter your current password.', current);
    if (form.next.length < 8) return fresh.invalid('Choose a new password of at least 8 characters.', next);
    await fresh.attempt((auth) => auth.changePassword(email, form.current, form.next), changed);
  };
  if (fresh.pending) return fresh.step('password-reauth', 'To change your password, enter the code we sent by text message to', 'Change password');
  return html`
    <form class="form" novalidate onSubmit=${submit} data-testid="password-form">
      <input type="email" class="visually-hidden" name="username" autocomplete="username" value=${email} readonly tabindex="-1" aria-label="Email" />
      <${Field} id="password-current" label="Current password">
        <input ref=${current} id="password-current" type="password" class="input" autocomplete="current-password" required value=${form.current} onInput=${set('current')} data-testid="password-current" />
      <//>
      <${Field} id="password-new" label="New password" hint="At least 8 characters. Changing it signs out your other devices.">
        <input ref=${next} id="password-new" type="password" class="input" autocomplete="new-password" required minlength="8" maxlength="128" aria-describedby="password-new-hint" value=${form.next} onInput=${set('next')} data-testid="password-new" />
      <//>
      <${InlineError} message=${fresh.error} testid="password-error" />
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-primary" busy=${fresh.busy} busyLabel="Changing…" data-testid="password-save">Change password<//>
      </div>
    </form>
  `;
}

function EmailStatus({ data }) {
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState(false);
  const fresh = useFreshSignIn({ fallback: 'The email could not be sent. Try again.', onCancel: () => setPassword('') });
  const send = async (event) => {
    event.preventDefault();
    await fresh.attempt((auth) => auth.sendVerification(data.email, password), () => setSent(true));
  };
  const body = () => {
    if (data.emailVerified) return null;
    if (sent) return html`<p class="alert alert-info" role="status" data-testid="verification-sent">We sent a link to ${data.email}. Open it, then reload this page.</p>`;
    if (fresh.pending) return fresh.step('verify-reauth', 'To send the confirmation link, enter the code we sent by text message to', 'Send confirmation link');
    return html`
      <form class="form" novalidate onSubmit=${send}>
        <${Field} id="verify-password" label="Your password" hint="To send the confirmation link, sign in again.">
          <input id="verify-password" type="password" class="input" autocomplete="current-password" aria-describedby="verify-password-hint" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} data-testid="verify-password" />
        <//>
        <${InlineError} message=${fresh.error} />
        <div class="form-actions"><${Button} type="submit" class="btn btn-secondary" busy=${fresh.busy} busyLabel="Sending…" data-testid="verify-send">Send confirmation link<//></div>
      </form>
    `;
  };
  return html`
    <p><strong>${data.email}</strong> ${data.emailVerified ? html`<${Badge} tone="completed" label="Verified" data-testid="email-verified" />` : html`<${Badge} tone="pending" label="Not verified" data-testid="email-unverified" />`}</p>
    ${body()}
  `;
}

function factorName(f) {
  return [f.displayName || 'Phone', f.phoneNumber].filter(Boolean).join(' · ');
}

/** Removing a phone: the password, then a texted code (a fresh two-factor sign-in). */
function RemoveFactor({ data, factor, onDone, onCancel }) {
  const [password, setPassword] = useState('');
  const input = useRef(null);
  const fresh = useFreshSignIn({ fallback: 'The phone could not be removed. Try again.', onCancel });
  const submit = async (event) => {
    event.preventDefault();
    if (!password) return fresh.invalid('Enter your password.', input);
    await fresh.attempt((auth) => auth.removeSecondFactor(data.email, password, factor.uid), onDone);
  };
  if (fresh.pending) return fresh.step('remove-reauth', `To remove ${factor.displayName || 'this phone'}, enter the code we sent by text message to`, 'Remove phone');
  return html`
    <form class="form" novalidate onSubmit=${submit} data-testid="factor-remove-form">
      <p>Remove <strong>${factorName(factor)}</strong>? You will no longer get sign-in codes on it.</p>
      <${Field} id="remove-password" label="Your password" hint="Removing a second factor needs a fresh sign-in, with a texted code.">
        <input ref=${input} id="remove-password" type="password" class="input" autocomplete="current-password" aria-describedby="remove-password-hint" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} data-testid="remove-password" />
      <//>
      <${InlineError} message=${fresh.error} testid="remove-error" />
      <div class="form-actions">
        <${Button} type="submit" class="btn btn-danger" busy=${fresh.busy} busyLabel="Checking…" data-testid="factor-remove-confirm">Remove phone<//>
        <button type="button" class="btn btn-secondary" onClick=${onCancel} data-testid="factor-remove-cancel">Cancel</button>
      </div>
    </form>
  `;
}

function FactorList({ data, onRemove }) {
  const last = data.secondFactorRequired && data.secondFactors.length === 1;
  return html`
    <ul class="account-list" data-testid="second-factors">
      ${data.secondFactors.map(
        (f) => html`
          <li key=${f.uid} data-testid="factor-row">
            <span class="what">
              <span>${f.displayName || 'Phone'}</span>
              <span class="muted small">${[f.phoneNumber, f.enrolledAt ? `added ${formatDateTime(f.enrolledAt)}` : ''].filter(Boolean).join(' · ')}</span>
            </span>
            ${last ? null : html`<button type="button" class="btn btn-secondary btn-sm" onClick=${() => onRemove(f)} aria-label=${`Remove ${factorName(f)}`} data-testid="factor-remove">Remove</button>`}
          </li>
        `,
      )}
    </ul>
    <p class="muted" data-testid="second-factors-note">
      ${last
        ? 'Your account must sign in with a second factor, so this phone cannot be removed: add another phone first, then remove this one.'
        : 'You enter a code from one of these at each sign-in.'}
    </p>
  `;
}

function SecondFactors({ data, onChanged }) {
  const [password, setPassword] = useState('');
  const [Enrol, setEnrol] = useState(null);
  const [removing, setRemoving] = useState(null);
  const fresh = useFreshSignIn({ fallback: 'Try again.', onCancel: () => setPassword('') });
  const enrolled = data.secondFactors.length > 0;
  const start = async (event) => {
    event.preventDefault();
    await fresh.attempt(
      (auth) => auth.signInForEnrolment(data.email, password),
      async () => {
        const login = await import('./login.js');
        setEnrol(() => login.EnrolPhone);
      },
    );
  };
  if (removing) {
    const removed = async () => {
      setRemoving(null);
      toast(`${removing.displayName || 'The phone'} was removed.`, 'success');
      await onChanged();
    };
    return html`<${RemoveFactor} data=${data} factor=${removing} onDone=${removed} onCancel=${() => setRemoving(null)} />`;
  }
  if (Enrol) {
    const enrolledNow = async () => {
      setEnrol(null);
      setPassword('');
      await onChanged();
    };
    return html`<${Enrol} title="" enrolment=${() => loadAuth().then((m) => m.phoneEnrolment())} onDone=${enrolledNow} />`;
  }
  if (fresh.pending) return fresh.step('enrol-reauth', 'To add a phone, enter the code we sent by text message to', 'Continue');
  return html`
    ${enrolled
      ? html`<${FactorList} data=${data} onRemove=${setRemoving} />`
      : html`<p class="muted">No second factor enrolled.${data.secondFactorRequired ? ' Your account requires one: you will be asked to enrol a phone at your next sign-in.' : ' Add a phone to be asked for a texted code at each sign-in.'}</p>`}
    <form class="form" novalidate onSubmit=${start}>
      <${Field} id="enrol-password" label="Your password" hint="Adding a second factor needs a fresh sign-in.">
        <input id="enrol-password" type="password" class="input" autocomplete="current-password" aria-describedby="enrol-password-hint" value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} data-testid="enrol-password" />
      <//>
      <${InlineError} message=${fresh.error} testid="enrol-start-error" />
      <div class="form-actions"><${Button} type="submit" class="btn btn-secondary" busy=${fresh.busy} busyLabel="Checking…" data-testid="enrol-start">${enrolled ? 'Add another phone' : 'Add a phone'}<//></div>
    </form>
  `;
}

function SignIns({ items }) {
  if (!items.length) return html`<p class="muted">No sign-ins recorded yet.</p>`;
  return html`
    <ul class="account-list" data-testid="signin-list">
      ${items.map(
        (s, i) => html`
          <li key=${i} data-testid="signin-row">
            <span class="what"><span>${formatDateTime(s.at)}</span><span class="muted small">${[s.method === 'emailLink' ? 'Email link' : s.method === 'password' ? 'Password' : s.method, s.secondFactor ? 'two-factor' : '', s.ip].filter(Boolean).join(' · ')}</span></span>
            <span class="muted small">${s.userAgent || 'Unknown browser'}</span>
          </li>
        `,
      )}
    </ul>
  `;
}

function Devices({ api }) {
  const res = useResource((signal) => api.get('/api/me/sessions', { signal }), []);
  const { busy, error, run } = useSubmit();
  const end = (item) =>
    run(async () => {
      const out = await api.del(`/api/me/sessions/${encodeURIComponent(item.id)}`);
      if (out.current) {
        location.assign('/login');
        return;
      }
      toast('That device is signed out.', 'success');
      res.reload();
    }, item.id);
  return html`
    <${InlineError} message=${error} />
    <${Load} resource=${res} skeleton=${{ kind: 'rows', count: 2, label: 'Loading your devices…' }} errorTitle="Could not load your devices">
      ${(data) =>
        data.items.length
          ? html`<ul class="account-list" data-testid="device-list">
              ${data.items.map(
                (s) => html`
                  <li key=${s.id} data-testid="device-row">
                    <span class="what">
                      <span>${s.userAgent || 'Unknown browser'}${s.current ? html` <${Badge} tone="active" label="This device" />` : null}</span>
                      <span class="muted small">Signed in ${formatDateTime(s.createdAt)}${s.ip ? ` · ${s.ip}` : ''}</span>
                    </span>
                    <${Button} class="btn btn-secondary btn-sm" busy=${busy === s.id} busyLabel="Signing out…" onClick=${() => end(s)} aria-label=${`Sign out ${s.current ? 'this device' : s.userAgent || 'device'} (signed in ${formatDateTime(s.createdAt)})`} data-testid="device-signout">Sign out<//>
                  </li>
                `,
              )}
            </ul>`
          : html`<p class="muted">No browser sessions besides API access.</p>`}
    <//>
  `;
}

export default function AccountPage({ api }) {
  const res = useResource((signal) => api.get('/api/me/profile', { signal }), []);
  return html`
    <${PageHeader} title="Your account" subtitle=${`Dates are shown in ${timeZone().replaceAll('_', ' ')}.`} subtitleTestid="account-zone" />
    <${Load} resource=${res} skeleton=${{ kind: 'rows', count: 4, label: 'Loading your account…' }} errorTitle="Could not load your account">
      ${(data) => html`
        <div class="account-sections">
          <${Section} id="account-profile" title="Profile" testid="account-profile">
            <${AvatarField} data=${data} api=${api} onSaved=${(d) => res.setData(d)} />
            <${ProfileForm} key=${JSON.stringify(data.profile)} data=${data} api=${api} onSaved=${(d) => res.setData(d)} />
          <//>
          <${Section} id="account-email" title="Email address"><${EmailStatus} data=${data} /><//>
          <${Section} id="account-password" title="Password"><${PasswordForm} email=${data.email} /><//>
          <${Section} id="account-2fa" title="Two-factor sign-in" testid="account-2fa">
            <${SecondFactors} data=${data} onChanged=${() => res.reload()} />
          <//>
          <${Section} id="account-signins" title="Recent sign-ins" testid="account-signins"><${SignIns} items=${data.recentSignIns} /><//>
          <${Section} id="account-devices" title="Signed-in devices" testid="account-devices"><${Devices} api=${api} /><//>
        </div>
      `}
    <//>
  `;
}
