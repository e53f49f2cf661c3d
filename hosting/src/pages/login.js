// Sign-in: email + password, or a one-time link by email. Accounts exist only by
// invitation, so a refusal from the server is shown as the server words it.

import { h, icon, mount } from '../dom.js';
import { busy, inlineError, spinner } from '../ui.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The current URL is an email sign-in link (checked without loading Firebase). */
export function hasPendingEmailLink() {
  const params = new URLSearchParams(location.search);
  return params.get('mode') === 'signIn' && params.has('oobCode');
}

export function authBrand() {
  return h('div', { class: 'auth-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'P'), h('span', { class: 'brand-name' }, 'Client Portal'));
}

function field(label, input, hint) {
  return h('div', { class: 'field' }, h('label', { class: 'field-label', for: input.id }, label), input, hint ? h('p', { class: 'field-hint', id: `${input.id}-hint` }, hint) : null);
}

export function render(container, { onSignedIn, flash }) {
  const authModule = import('../auth.js');
  authModule.catch(() => {}); // reported when used
  const card = h('section', { class: 'auth-card', 'aria-labelledby': 'auth-title' });
  mount(container, authBrand(), card, h('p', { class: 'auth-foot' }, 'Access is by invitation only. Ask your project lead if you need an account.'));

  function title(text) {
    return h('h1', { id: 'auth-title', class: 'auth-title', 'data-testid': 'page-title' }, text);
  }

  function showForm({ error = '', email = '', info = flash } = {}) {
    const errorSlot = h('div', { class: 'error-slot' });
    const emailInput = h('input', { id: 'login-email', name: 'email', type: 'email', class: 'input', autocomplete: 'username', inputmode: 'email', required: true, value: email, 'data-testid': 'login-email' });
    const passwordInput = h('input', { id: 'login-password', name: 'password', type: 'password', class: 'input', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' }, 'Sign in');
    const linkBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-block', 'data-testid': 'email-link-submit' }, icon('mail'), 'Email me a sign-in link');

    function setError(message) {
      mount(errorSlot, message ? inlineError(message, 'login-error') : null);
    }

    const form = h(
      'form',
      { class: 'form', novalidate: true, 'aria-describedby': 'auth-title' },
      field('Email', emailInput),
      field('Password', passwordInput),
      submit,
    );

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const emailValue = emailInput.value.trim();
      if (!EMAIL_RE.test(emailValue)) {
        setError('Enter a valid email address.');
        emailInput.focus();
        return;
      }
      if (!passwordInput.value) {
        setError('Enter your password, or use “Email me a sign-in link”.');
        passwordInput.focus();
        return;
      }
      setError('');
      const restore = busy(submit, 'Signing in…');
      linkBtn.disabled = true;
      let mod;
      try {
        mod = await authModule;
        await mod.signInWithPassword(emailValue, passwordInput.value);
      } catch (err) {
        restore();
        linkBtn.disabled = false;
        setError(mod ? mod.authErrorMessage(err) : 'The sign-in page could not load. Reload and try again.');
        passwordInput.select();
        passwordInput.focus();
        return;
      }
      await onSignedIn();
    });

    linkBtn.addEventListener('click', async () => {
      const emailValue = emailInput.value.trim();
      if (!EMAIL_RE.test(emailValue)) {
        setError('Enter your email address above, then ask for a link.');
        emailInput.focus();
        return;
      }
      setError('');
      const restore = busy(linkBtn, 'Sending…');
      submit.disabled = true;
      let mod;
      try {
        mod = await authModule;
        await mod.sendEmailLink(emailValue);
      } catch (err) {
        restore();
        submit.disabled = false;
        setError(mod ? mod.authErrorMessage(err) : 'The sign-in page could not load. Reload and try again.');
        return;
      }
      showSent(emailValue);
    });

    mount(
      card,
      title('Sign in'),
      h('p', { class: 'auth-lead' }, 'Welcome back. Sign in to follow your projects, approvals and files.'),
      info ? h('div', { class: 'alert alert-info', role: 'status' }, info) : null,
      errorSlot,
      form,
      h('div', { class: 'divider', role: 'separator' }, h('span', null, 'or')),
      linkBtn,
    );
    if (error) setError(error);
    (email ? passwordInput : emailInput).focus();
  }

  function showSent(email) {
    const again = h('button', { type: 'button', class: 'btn btn-secondary btn-block', onClick: () => showForm({ email, info: '' }) }, 'Use a different email or a password');
    mount(
      card,
      h(
        'div',
        { class: 'auth-sent', 'data-testid': 'email-link-sent', role: 'status' },
        h('div', { class: 'state-icon' }, icon('mail')),
        title('Check your inbox'),
        h('p', { class: 'auth-lead' }, 'We sent a sign-in link to ', h('strong', null, email), '. Open it on this device to sign in. The link works once and expires soon.'),
        h('p', { class: 'muted small' }, 'Nothing arrived? Check your spam folder. A link only arrives if the address has a portal account.'),
      ),
      again,
    );
    again.focus();
  }

  async function completeLink() {
    const href = location.href;
    mount(card, title('Signing you in'), spinner('Checking your sign-in link…'));
    let mod;
    try {
      mod = await authModule;
      if (!(await mod.isEmailLink(href))) {
        history.replaceState(null, '', '/login');
        showForm({ error: 'This sign-in link is not valid. Request a new one.' });
        return;
      }
    } catch (err) {
      history.replaceState(null, '', '/login');
      showForm({ error: mod ? mod.authErrorMessage(err) : 'The sign-in page could not load. Reload and try again.' });
      return;
    }

    const finish = async (email, button) => {
      try {
        await mod.completeEmailLink(email, href);
      } catch (err) {
        history.replaceState(null, '', '/login');
        showForm({ email, error: mod.authErrorMessage(err) });
        return;
      }
      history.replaceState(null, '', '/login');
      await onSignedIn();
      if (button) button.disabled = false;
    };

    const stored = mod.storedEmailForLink();
    if (stored) {
      await finish(stored);
      return;
    }
    // Opened on another device or browser: ask which address the link was sent to.
    const errorSlot = h('div', { class: 'error-slot' });
    const emailInput = h('input', { id: 'email-link-email', type: 'email', class: 'input', autocomplete: 'username', required: true, 'data-testid': 'email-link-email' });
    const confirm = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'email-link-confirm' }, 'Continue');
    const form = h('form', { class: 'form', novalidate: true }, field('Email', emailInput, 'The address the sign-in link was sent to.'), confirm);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const email = emailInput.value.trim();
      if (!EMAIL_RE.test(email)) {
        mount(errorSlot, inlineError('Enter a valid email address.', 'login-error'));
        return;
      }
      busy(confirm, 'Signing in…');
      await finish(email, confirm);
    });
    mount(card, title('Confirm your email'), h('p', { class: 'auth-lead' }, 'For your security, confirm the email address this link was sent to.'), errorSlot, form);
    emailInput.focus();
  }

  if (hasPendingEmailLink()) return completeLink();
  showForm();
  return undefined;
}
