// What pages need of the sign-in code without loading it: `loadAuth()` loads the Firebase
// Auth module (its own chunk, ./auth.js) on first use, and `authErrorMessage` turns its
// errors into sentences. Nothing here imports Firebase.

let loading = null;

/** The sign-in module, loaded once. A failed load is marked (`err.authUnavailable`) and tried again next time. */
export function loadAuth() {
  if (!loading) {
    loading = import('./auth.js').catch((err) => {
      loading = null;
      const failed = err instanceof Error ? err : new Error(String(err));
      failed.authUnavailable = true;
      throw failed;
    });
  }
  return loading;
}

const FIREBASE_MESSAGES = {
  'auth/invalid-credential': 'Email or password is incorrect.',
  'auth/invalid-login-credentials': 'Email or password is incorrect.',
  'auth/wrong-password': 'Email or password is incorrect.',
  'auth/user-not-found': 'Email or password is incorrect.',
  'auth/invalid-email': 'Enter a valid email address.',
  'auth/missing-email': 'Enter your email address.',
  'auth/missing-password': 'Enter your password.',
  'auth/user-disabled': 'This account is disabled. Contact your project lead.',
  'auth/too-many-requests': 'Too many attempts. Wait a few minutes and try again.',
  'auth/network-request-failed': 'Could not reach the sign-in service. Check your connection and try again.',
  'auth/invalid-action-code': 'This link is invalid or was already used. Request a new one.',
  'auth/expired-action-code': 'This link has expired. Request a new one.',
  'auth/email-already-in-use': 'That email address now belongs to another account.',
  'auth/operation-not-allowed': 'This sign-in method is not enabled for the portal.',
  'auth/weak-password': 'Choose a longer password (at least 8 characters).',
  'auth/requires-recent-login': 'Sign in again, then retry.',
  'auth/invalid-phone-number': 'Enter the phone number with its country code, for example +44 7700 900123.',
  'auth/second-factor-already-in-use': 'This phone is already enrolled.',
  'auth/code-expired': 'The code has expired. Send a new one.',
  'auth/multi-factor-auth-required': 'This account signs in with a second factor: sign in with your password and the texted code.',
  'auth/missing-verification-code': 'Enter the code we sent.',
  'auth/invalid-verification-code': 'That code is not right. Check it and try again.',
  'auth/invalid-verification-id': 'The code has expired. Send a new one.',
  'auth/missing-verification-id': 'The code has not been sent yet. Send a new one.',
};

/** A sentence for the user from a Firebase or API error; `fallback` for an error it does not know. */
export function authErrorMessage(err, unavailable = 'The sign-in code could not load. Reload and try again.', fallback = 'Sign-in failed. Try again.') {
  if (!err) return fallback;
  if (err.authUnavailable) return unavailable;
  if (err.name === 'ApiError') return err.message;
  if (err.code && FIREBASE_MESSAGES[err.code]) return FIREBASE_MESSAGES[err.code];
  return fallback;
}
