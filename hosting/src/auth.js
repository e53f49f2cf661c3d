// Firebase Authentication in the browser. Loaded lazily (only the sign-in and
// invite pages need it). The SDK keeps nothing: in-memory persistence, and it is
// signed out as soon as the server has turned the ID token into a session cookie.

import { initializeApp } from 'firebase/app';
import {
  confirmPasswordReset,
  connectAuthEmulator,
  getMultiFactorResolver,
  multiFactor,
  PhoneAuthProvider,
  PhoneMultiFactorGenerator,
  RecaptchaVerifier,
  inMemoryPersistence,
  initializeAuth,
  isSignInWithEmailLink,
  sendEmailVerification,
  sendPasswordResetEmail,
  sendSignInLinkToEmail,
  signInWithEmailAndPassword,
  signInWithEmailLink,
  signOut,
  updatePassword,
  verifyPasswordResetCode,
} from 'firebase/auth';
import { api } from './api.js';
import { setSession } from './state.js';

const EMAIL_KEY = 'portal.emailForSignIn';
let authPromise = null;

export function firebaseAuth() {
  if (!authPromise) {
    authPromise = (async () => {
      const cfg = await api.get('/api/auth/config', { auth: false });
      const app = initializeApp(cfg.firebase);
      const auth = initializeAuth(app, { persistence: inMemoryPersistence });
      if (cfg.authEmulatorUrl) {
        connectAuthEmulator(auth, cfg.authEmulatorUrl, { disableWarnings: true });
        // The emulator checks no reCAPTCHA (and the tests cannot load Google's script).
        auth.settings.appVerificationDisabledForTesting = true;
      }
      return auth;
    })();
    authPromise.catch(() => {
      authPromise = null; // let a retry fetch the config again
    });
  }
  return authPromise;
}

/**
 * Trade a fresh Firebase sign-in for the server's session cookie. When the portal wants a
 * second factor the account has not enrolled, the Firebase user is kept (for enrolling) and
 * the error says `enrol`.
 */
async function startSession(auth, credential) {
  let keep = false;
  try {
    const idToken = await credential.user.getIdToken();
    const res = await api.post('/api/auth/login', { idToken }, { auth: false });
    setSession(res.user, res.csrfToken);
    return res.user;
  } catch (err) {
    if (err.code === 'second_factor_required' && !multiFactor(credential.user).enrolledFactors.length) {
      keep = true;
      err.enrol = true;
    }
    throw err;
  } finally {
    if (!keep) await signOut(auth).catch(() => {});
  }
}

/** An invisible reCAPTCHA on `container` (Firebase requires one to send an SMS code). */
function verifier(auth, container) {
  return new RecaptchaVerifier(auth, container, { size: 'invisible' });
}

/**
 * A password sign-in. An account with a second factor gets `err.secondFactor`
 * ({ hint, send(container), finish(verificationId, code) }) instead of a session.
 */
export async function signInWithPassword(email, password) {
  const auth = await firebaseAuth();
  let credential;
  try {
    credential = await signInWithEmailAndPassword(auth, email, password);
  } catch (err) {
    if (err.code !== 'auth/multi-factor-auth-required') throw err;
    const resolver = getMultiFactorResolver(auth, err);
    const hint = resolver.hints.find((h) => h.factorId === PhoneMultiFactorGenerator.FACTOR_ID) || resolver.hints[0];
    err.secondFactor = {
      hint: hint.phoneNumber || hint.displayName || 'your phone',
      send: (container) => new PhoneAuthProvider(auth).verifyPhoneNumber({ multiFactorHint: hint, session: resolver.session }, verifier(auth, container)),
      finish: async (verificationId, code) => {
        const assertion = PhoneMultiFactorGenerator.assertion(PhoneAuthProvider.credential(verificationId, code));
        return startSession(auth, await resolver.resolveSignIn(assertion));
      },
    };
    throw err;
  }
  return startSession(auth, credential);
}

/**
 * Enrol a phone as second factor for the Firebase user signed in now (after a sign-in the
 * portal refused for want of one, or after `signInForEnrolment`): send(phone, container)
 * texts a code; finish(verificationId, code, name) enrols it and starts the session.
 */
export async function phoneEnrolment() {
  const auth = await firebaseAuth();
  const user = auth.currentUser;
  if (!user) throw new Error('Sign in again to enrol a phone.');
  return {
    send: async (phoneNumber, container) => {
      const session = await multiFactor(user).getSession();
      return new PhoneAuthProvider(auth).verifyPhoneNumber({ phoneNumber, session }, verifier(auth, container));
    },
    finish: async (verificationId, code, name) => {
      const assertion = PhoneMultiFactorGenerator.assertion(PhoneAuthProvider.credential(verificationId, code));
      await multiFactor(user).enroll(assertion, name || 'Phone');
      await user.getIdToken(true);
      return startSession(auth, { user });
    },
  };
}

/** Sign in again with the password (Firebase wants a recent sign-in to enrol a factor). */
export async function signInForEnrolment(email, password) {
  const auth = await firebaseAuth();
  await signInWithEmailAndPassword(auth, email, password);
}

export async function sendEmailLink(email) {
  const auth = await firebaseAuth();
  await sendSignInLinkToEmail(auth, email, { url: `${location.origin}/login`, handleCodeInApp: true });
  try {
    localStorage.setItem(EMAIL_KEY, email);
  } catch {
    /* storage unavailable: we'll ask for the email when the link is opened */
  }
}

export async function isEmailLink(href = location.href) {
  const auth = await firebaseAuth();
  return isSignInWithEmailLink(auth, href);
}

export function storedEmailForLink() {
  try {
    return localStorage.getItem(EMAIL_KEY) || '';
  } catch {
    return '';
  }
}

export async function completeEmailLink(email, href = location.href) {
  const auth = await firebaseAuth();
  const credential = await signInWithEmailLink(auth, email, href);
  try {
    localStorage.removeItem(EMAIL_KEY);
  } catch {
    /* ignore */
  }
  return startSession(auth, credential);
}

/**
 * Accepting an invite, first step: Firebase emails a sign-in link to the invited address.
 * The link comes back to /invite?invite={orgId}.{inviteId}: no secret travels in it.
 */
export async function sendInviteLink(email, invite) {
  const auth = await firebaseAuth();
  const url = `${location.origin}/invite?invite=${encodeURIComponent(invite)}`;
  await sendSignInLinkToEmail(auth, email, { url, handleCodeInApp: true });
  try {
    localStorage.setItem(EMAIL_KEY, email);
  } catch {
    /* asked for when the link is opened */
  }
}

/**
 * Accepting an invite, second step (on the page the emailed link opens): signing in with
 * the link proves the address; the server then creates the member, and a password
 * sign-in starts the session. After a refusal the proof is kept, so a retry needs no new link.
 */
export async function completeInvite(email, invite, details, href = location.href) {
  const auth = await firebaseAuth();
  if (!auth.currentUser || (auth.currentUser.email || '').toLowerCase() !== email.toLowerCase()) {
    await signInWithEmailLink(auth, email, href);
  }
  const idToken = await auth.currentUser.getIdToken();
  await api.post('/api/invites/complete', { invite, idToken, ...details }, { auth: false });
  try {
    localStorage.removeItem(EMAIL_KEY);
  } catch {
    /* ignore */
  }
  await signOut(auth).catch(() => {});
  try {
    return await signInWithPassword(email, details.password);
  } catch (err) {
    err.accountCreated = true;
    throw err;
  }
}

/**
 * Change the password: Firebase wants a recent sign-in, so the current password signs in
 * again first. Changing it ends every session (Firebase revokes the refresh tokens), so
 * this device gets a new session at once; the others sign in again.
 */
export async function changePassword(email, current, next) {
  const auth = await firebaseAuth();
  const credential = await signInWithEmailAndPassword(auth, email, current);
  try {
    await updatePassword(credential.user, next);
    await credential.user.getIdToken(true);
  } catch (err) {
    await signOut(auth).catch(() => {});
    throw err;
  }
  return startSession(auth, credential);
}

/** Email a link to confirm the address (after signing in again with the password). */
export async function sendVerification(email, password) {
  const auth = await firebaseAuth();
  const credential = await signInWithEmailAndPassword(auth, email, password);
  try {
    await sendEmailVerification(credential.user, { url: `${location.origin}/account` });
  } finally {
    await signOut(auth).catch(() => {});
  }
}

/** "Forgot password": Firebase emails a reset link (and says nothing about unknown addresses). */
export async function sendPasswordReset(email) {
  const auth = await firebaseAuth();
  try {
    await sendPasswordResetEmail(auth, email, { url: `${location.origin}/login` });
  } catch (err) {
    if (err.code !== 'auth/user-not-found') throw err; // never tell who has an account
  }
}

/** The address a reset link is for (and whether it still works). */
export async function checkResetCode(code) {
  const auth = await firebaseAuth();
  return verifyPasswordResetCode(auth, code);
}

export async function resetPassword(code, password) {
  const auth = await firebaseAuth();
  await confirmPasswordReset(auth, code, password);
}

/** The URL has the parameters of an email sign-in link (cheap check, no SDK). */
export function looksLikeEmailLink(href = location.href) {
  const params = new URL(href).searchParams;
  return params.get('mode') === 'signIn' && params.has('oobCode');
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
  'auth/operation-not-allowed': 'This sign-in method is not enabled for the portal.',
  'auth/weak-password': 'Choose a longer password (at least 8 characters).',
  'auth/requires-recent-login': 'Sign in again, then retry.',
  'auth/invalid-phone-number': 'Enter the phone number with its country code, for example +44 7700 900123.',
  'auth/second-factor-already-in-use': 'This phone is already enrolled.',
  'auth/code-expired': 'The code has expired. Send a new one.',
  'auth/multi-factor-auth-required': 'This account signs in with a second factor: sign in with your password and the texted code.',
  'auth/missing-verification-code': 'Enter the code we sent.',
  'auth/invalid-verification-code': 'That code is not right. Check it and try again.',
};

/** A sentence for the user from a Firebase or API error. */
export function authErrorMessage(err) {
  if (!err) return 'Sign-in failed. Try again.';
  if (err.name === 'ApiError') return err.message;
  if (err.code && FIREBASE_MESSAGES[err.code]) return FIREBASE_MESSAGES[err.code];
  return 'Sign-in failed. Try again.';
}
