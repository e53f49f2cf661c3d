// Accept an invitation: look the link up, create the account, then sign in.

import { api } from '../api.js';
import { h, icon, mount } from '../dom.js';
import { ROLE_LABELS } from '../state.js';
import { busy, errorState, formatDateTime, inlineError, skeleton } from '../ui.js';
import { authBrand } from './login.js';

export function render(container, { onSignedIn }) {
  const authModule = import('../auth.js');
  authModule.catch(() => {});
  const card = h('section', { class: 'auth-card', 'aria-labelledby': 'auth-title' });
  mount(container, authBrand(), card);
  const token = new URLSearchParams(location.search).get('token') || '';

  const title = (text) => h('h1', { id: 'auth-title', class: 'auth-title', 'data-testid': 'page-title' }, text);
  const toLogin = () => h('a', { href: '/login', class: 'btn btn-secondary btn-block' }, 'Go to sign in');

  async function lookup() {
    if (!token) {
      mount(card, title('Invitation link incomplete'), errorState({ message: 'This link has no invitation token. Open the link from your invitation email again, or ask for a new invite.' }, null, 'Missing token'), toLogin());
      return;
    }
    mount(card, title('Your invitation'), skeleton('rows', 2, 'Checking your invitation…'));
    let invite;
    try {
      invite = await api.get('/api/invites/lookup', { query: { token }, auth: false });
    } catch (err) {
      const gone = err.status === 404 || err.status === 410;
      mount(card, title(gone ? 'This invitation can’t be used' : 'Could not check the invitation'), errorState(err, gone ? null : lookup, gone ? 'Ask for a new invite' : 'Something went wrong'), toLogin());
      return;
    }
    showForm(invite);
  }

  function showForm(invite) {
    const errorSlot = h('div', { class: 'error-slot' });
    const first = h('input', { id: 'accept-first-name', type: 'text', class: 'input', autocomplete: 'given-name', required: true, maxlength: '80', 'data-testid': 'accept-first-name' });
    const last = h('input', { id: 'accept-last-name', type: 'text', class: 'input', autocomplete: 'family-name', maxlength: '80', 'data-testid': 'accept-last-name' });
    const password = h('input', { id: 'accept-password', type: 'password', class: 'input', autocomplete: 'new-password', required: true, minlength: '8', maxlength: '128', 'aria-describedby': 'accept-password-hint', 'data-testid': 'accept-password' });
    const email = h('input', { id: 'accept-email', type: 'email', class: 'input', autocomplete: 'username', value: invite.email, readonly: true });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'accept-submit' }, 'Create account and sign in');
    const setError = (message) => mount(errorSlot, message ? inlineError(message) : null);
    const fieldOf = (label, input, hint) => h('div', { class: 'field' }, h('label', { class: 'field-label', for: input.id }, label), input, hint ? h('p', { class: 'field-hint', id: `${input.id}-hint` }, hint) : null);

    const form = h(
      'form',
      { class: 'form', novalidate: true },
      fieldOf('Email', email),
      h('div', { class: 'field-row' }, fieldOf('First name', first), fieldOf('Last name', last)),
      fieldOf('Password', password, 'At least 8 characters.'),
      submit,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!first.value.trim()) {
        setError('Enter your first name.');
        first.focus();
        return;
      }
      if (password.value.length < 8) {
        setError('Choose a password of at least 8 characters.');
        password.focus();
        return;
      }
      setError('');
      const restore = busy(submit, 'Creating your account…');
      try {
        await api.post('/api/invites/accept', { token, password: password.value, firstName: first.value.trim(), lastName: last.value.trim() }, { auth: false });
      } catch (err) {
        restore();
        setError(err.message);
        return;
      }
      let mod;
      try {
        mod = await authModule;
        await mod.signInWithPassword(invite.email, password.value);
      } catch (err) {
        const reason = mod ? mod.authErrorMessage(err) : 'The sign-in could not start.';
        mount(card, title('Your account is ready'), h('div', { class: 'alert alert-info', role: 'status' }, `Your account was created, but signing you in failed: ${reason} Sign in with your email and new password.`), toLogin());
        return;
      }
      await onSignedIn();
    });

    mount(
      card,
      title(`Join ${invite.orgName || 'the portal'}`),
      h('p', { class: 'auth-lead' }, 'You’ve been invited as ', h('strong', null, ROLE_LABELS[invite.role] || invite.role), '. Set up your account to get started.'),
      invite.expiresAt ? h('p', { class: 'muted small invite-expiry' }, icon('calendar'), `This invitation expires ${formatDateTime(invite.expiresAt)}.`) : null,
      errorSlot,
      form,
    );
    first.focus();
  }

  return lookup();
}
