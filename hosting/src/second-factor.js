// Texted codes (Firebase's SMS second factor), the same everywhere they are asked for:
// signing in, enrolling a phone, and confirming a sensitive change on "Your account".
// Nothing here loads Firebase: the steps are given the sign-in module's objects.

import { useEffect, useRef, useState } from 'preact/hooks';
import { authErrorMessage } from './auth-lazy.js';
import { useSubmit } from './forms.js';
import { html } from './html.js';
import { Button, Field, InlineError } from './ui.js';

/** A code field for SMS codes. */
export function CodeField({ id, value, onInput, inputRef }) {
  return html`
    <${Field} id=${id} label="Code" hint="The 6-digit code in the text message.">
      <input ref=${inputRef} id=${id} class="input" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required aria-describedby=${`${id}-hint`} value=${value} onInput=${onInput} data-testid=${id} />
    <//>
  `;
}

/**
 * A form that asks for a texted code: `field(id)` renders its input, `submit(event)` checks
 * the code's shape, then runs `onCode(code)` (busy, errors as sentences) and answers whether
 * it succeeded. `useSubmit`'s `busy`, `error`, `run` and `invalid` come with it.
 */
export function useCodeForm(onCode, { keepBusy = false, messageOf = (err) => authErrorMessage(err) } = {}) {
  const [code, setCode] = useState('');
  const input = useRef(null);
  const form = useSubmit({ keepBusy, messageOf });
  const submit = (event) => {
    event.preventDefault();
    const value = code.trim();
    if (!/^\d{6,8}$/.test(value)) return form.invalid('Enter the 6-digit code.', input);
    return form.run(() => onCode(value));
  };
  const field = (id) => html`<${CodeField} id=${id} value=${code} inputRef=${input} onInput=${(e) => setCode(e.currentTarget.value)} />`;
  return { ...form, code, input, submit, field };
}

/**
 * The texted-code step for a `factor` from the sign-in module ({ hint, send(container),
 * finish(verificationId, code) }): texts the code when shown (and again on request), then
 * `finish`es with what the person types and calls `onDone()`. `onCancel` gets a button.
 * Ids and test ids start with `id` (`${id}-code`, `${id}-submit`, `${id}-resend`, `${id}-cancel`).
 */
export function SecondFactorStep({ factor, id, lead, submitLabel, errorTestid = `${id}-error`, onDone, onCancel, cancelLabel = 'Cancel', block = false }) {
  const [verification, setVerification] = useState('');
  const container = useRef(null);
  const form = useCodeForm((code) => factor.finish(verification, code), { keepBusy: true });
  const send = () => form.run(async () => setVerification(await factor.send(container.current)), 'send', false);
  useEffect(() => {
    send();
  }, []);
  useEffect(() => {
    if (verification) form.input.current?.focus();
  }, [verification]);
  const submit = async (event) => {
    if (await form.submit(event)) await onDone();
  };
  const wide = block ? ' btn-block' : '';
  return html`
    <p class="auth-lead" data-testid=${`${id}-lead`}>${lead} <strong>${factor.hint}</strong>.</p>
    <div class="error-slot"><${InlineError} message=${form.error} testid=${errorTestid} /></div>
    <div ref=${container}></div>
    <form class="form" novalidate onSubmit=${submit}>
      ${form.field(`${id}-code`)}
      <div class=${block ? '' : 'form-actions'}>
        <${Button} type="submit" class=${`btn btn-primary${wide}`} busy=${form.busy === true} busyLabel="Checking…" disabled=${!verification || form.busy === 'send'} data-testid=${`${id}-submit`}>${submitLabel}<//>
        <${Button} class=${`btn btn-ghost${wide}`} busy=${form.busy === 'send'} busyLabel="Sending…" disabled=${form.busy === true} onClick=${send} data-testid=${`${id}-resend`}>Text me a new code<//>
      </div>
    </form>
    ${onCancel ? html`<button type="button" class=${`btn btn-secondary${wide}`} onClick=${onCancel} data-testid=${`${id}-cancel`}>${cancelLabel}</button>` : null}
  `;
}
