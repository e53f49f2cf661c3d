// Firebase Authentication in the browser. Loaded lazily (only the sign-in and
// invite pages need it). The SDK keeps nothing: in-memory persistence, and it is
// signed out as soon as the server has turned the ID token into a session cookie.

import { initializeApp } from 'firebase/app';
import {
  applyActionCode,
  checkActionCode,
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

const verifiers = new WeakMap();

/**
 * An invisible reCAPTCHA in `container` (Firebase requires one to send an SMS code). Sending
 * again replaces the previous one: reCAPTCHA renders once per element.
 */
function verifier(auth, container) {
  verifiers.get(container)?.clear();
  const slot = document.createElement('div');
  container.replaceChildren(slot);
  const made = new RecaptchaVerifier(auth, slot, { size: 'invisible' });
  verifiers.set(container, made);
  return made;
}

/**
 * The texted-code step Firebase asks for when an account with a second factor signs in
 * (`err` is its `auth/multi-factor-auth-required`): { hint, send(container) → verificationId,
 * finish(verificationId, code) → then(credential), cancel() }. Nothing happens before `finish`.
 */
function secondFactorStep(auth, err, then) {
  const resolver = getMultiFactorResolver(auth, err);
  const hint = resolver.hints.find((h) => h.factorId === PhoneMultiFactorGenerator.FACTOR_ID) || resolver.hints[0];
  return {
    hint: hint.phoneNumber || hint.displayName || 'your phone',
    send: (container) => new PhoneAuthProvider(auth).verifyPhoneNumber({ multiFactorHint: hint, session: resolver.session }, verifier(auth, container)),
    finish: async (verificationId, code) => {
      const assertion = PhoneMultiFactorGenerator.assertion(PhoneAuthProvider.credential(verificationId, code));
      return then(await resolver.resolveSignIn(assertion));
    },
    cancel: () => signOut(auth).catch(() => {}),
  };
}

/**
 * Sign in again with the password before a sensitive change, then `then(credential)`. For an
 * account with a second factor Firebase wants the texted code too: the error thrown carries
 * `secondFactor` (see `secondFactorStep`), whose `finish` signs in and runs `then`.
 */
async function freshSignIn(email, password, then) {
  const auth = await firebaseAuth();
  let credential;
  try {
    credential = await signInWithEmailAndPassword(auth, email, password);
  } catch (err) {
    if (err.code === 'auth/multi-factor-auth-required') err.secondFactor = secondFactorStep(auth, err, then);
    throw err;
  }
  return then(credential);
}

/**
 * A password sign-in. An account with a second factor gets `err.secondFactor`
 * (see `secondFactorStep`), whose `finish` starts the session.
 */
export async function signInWithPassword(email, password) {
  const auth = await firebaseAuth();
  let credential;
  try {
    credential = await signInWithEmailAndPassword(auth, email, password);
  } catch (err) {
    if (err.code === 'auth/multi-factor-auth-required') err.secondFactor = secondFactorStep(auth, err, (c) => startSession(auth, c));
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

/**
 * Sign in again with the password (Firebase wants a recent sign-in to enrol a factor); the
 * Firebase user stays signed in for `phoneEnrolment`. May throw `err.secondFactor`.
 */
export async function signInForEnrolment(email, password) {
  await freshSignIn(email, password, () => undefined);
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
  let credential;
  try {
    credential = await signInWithEmailLink(auth, email, href);
  } catch (err) {
    // An account with a second factor: the link proved the address, the texted code follows.
    if (err.code === 'auth/multi-factor-auth-required') err.secondFactor = secondFactorStep(auth, err, (c) => startSession(auth, c));
    throw err;
  }
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
 * Change the password: Firebase wants a recent sign-in, so the current password (and, for an
 * account with a second factor, the texted code: `err.secondFactor`) signs in again first;
 * nothing changes before that succeeds. Changing it ends every session (Firebase revokes the
 * refresh tokens), so this device gets a new session at once; the others sign in again.
 */
export async function changePassword(email, current, next) {
  const auth = await firebaseAuth();
  return freshSignIn(email, current, async (credential) => {
    try {
      await updatePassword(credential.user, next);
      await credential.user.getIdToken(true);
    } catch (err) {
      await signOut(auth).catch(() => {});
      throw err;
    }
    try {
      return await startSession(auth, credential);
    } catch (err) {
      // The tokens Firebase issues with the new password may no longer say that a second
      // factor was used, and a portal that requires one refuses them: sign in again with the
      // new password and a new code (`err.secondFactor` again) for this device's session.
      if (err.code !== 'second_factor_required') throw err;
      return freshSignIn(email, next, (fresh) => startSession(auth, fresh));
    }
  });
}

/**
 * Remove one of the account's second factors. Firebase asks for a recent sign-in, so the
 * password and a texted code (`err.secondFactor`) sign in again first; the server then checks
 * that fresh two-factor sign-in (its ID token), removes the factor, keeps the last one of an
 * account that must have one, and records the removal. Nothing changes before the code is right.
 */
export async function removeSecondFactor(email, password, factorUid) {
  const auth = await firebaseAuth();
  return freshSignIn(email, password, async (credential) => {
    try {
      const idToken = await credential.user.getIdToken();
      return await api.post('/api/me/second-factors/remove', { factorUid, idToken });
    } finally {
      await signOut(auth).catch(() => {});
    }
  });
}

/** Email a link to confirm the address (after signing in again: password, and code if enrolled). */
export async function sendVerification(email, password) {
  const auth = await firebaseAuth();
  return freshSignIn(email, password, async (credential) => {
    try {
      await sendEmailVerification(credential.user, { url: `${location.origin}/account` });
    } finally {
      await signOut(auth).catch(() => {});
    }
  });
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

/**
 * Use an emailed link's code for what it says it does: `operation` is `VERIFY_EMAIL` (confirm
 * the address) or `RECOVER_EMAIL` (undo a change of the sign-in address). The code is checked
 * first, so a code of another kind is refused (as an invalid link) before anything changes.
 * Returns the address confirmed, or restored.
 */
export async function applyEmailAction(code, operation) {
  const auth = await firebaseAuth();
  const info = await checkActionCode(auth, code);
  if (info.operation !== operation) throw Object.assign(new Error('This link is for something else.'), { code: 'auth/invalid-action-code' });
  await applyActionCode(auth, code);
  return info.data.email || '';
}

export { authErrorMessage } from './auth-lazy.js';
