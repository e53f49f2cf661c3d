// Form boilerplate in one place: busy while a submit runs, its failure shown as a sentence.

import { useState } from 'preact/hooks';

/**
 * `run(action, key, keep)` clears the error, sets `busy` to `key` (default true), awaits `action()`
 * and answers true; when it throws, shows `messageOf(err)`, clears `busy` and answers false.
 * `invalid(message, ref)` shows a check's message, focuses that field and answers false.
 * `initialError` is shown until the first run. With `keepBusy` (or `keep` for one run) the form stays busy after a success: it is replaced
 * next, as after signing in. `onError(err)` runs after a failure is shown, for what else it calls for (a toast, a reload).
 *
 *   const form = useSubmit();
 *   const save = async (event) => {
 *     event.preventDefault();
 *     if (!name.trim()) return form.invalid('Enter a name.', nameRef);
 *     if (await form.run(() => api.post('/api/things', { name }))) toast('Saved.', 'success');
 *   };
 */
export function useSubmit({ messageOf = (err) => (err && err.message) || 'Something went wrong. Try again.', keepBusy = false, initialError = '', onError } = {}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(initialError);
  const run = async (action, key = true, keep = keepBusy) => {
    setError('');
    setBusy(key);
    try {
      await action();
    } catch (err) {
      setBusy(false);
      setError(messageOf(err));
      onError?.(err);
      return false;
    }
    if (!keep) setBusy(false);
    return true;
  };
  const invalid = (message, ref) => {
    setError(message);
    ref?.current?.focus();
    return false;
  };
  return { busy, error, setError, run, invalid };
}
