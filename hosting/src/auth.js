// Firebase Authentication in the browser. Loaded lazily (only the sign-in and
// invite pages need it). The SDK keeps nothing: in-memory persistence, and it is
// signed out as soon as the server has turned the ID token into a session cookie.

import { initializeApp } from 'firebase/app';
import {
  connectAuthEmulator,
  inMemoryPersistence,
  initializeAuth,
  isSignInWithEmailLink,
  sendSignInLinkToEmail,
  signInWithEmailAndPassword,
  signInWithEmailLink,
  signOut,
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
      if (cfg.authEmulatorUrl) connectAuthEmulator(auth, cfg.authEmulatorUrl, { disableWarnings: true });
      return auth;
    })();
    authPromise.catch(() => {
      authPromise = null; // let a retry fetch the config again
    });
  }
  return authPromise;
}

/** Trade a fresh Firebase sign-in for the server's session cookie. */
async function startSession(auth, credential) {
  try {
    const idToken = await credential.user.getIdToken();
    const res = await api.post('/api/auth/login', { idToken }, { auth: false });
    setSession(res.user, res.csrfToken);
    return res.user;
  } finally {
    await signOut(auth).catch(() => {});
  }
}

export async function signInWithPassword(email, password) {
  const auth = await firebaseAuth();
  const credential = await signInWithEmailAndPassword(auth, email, password);
  return startSession(auth, credential);
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
  'auth/invalid-action-code': 'This sign-in link is invalid or was already used. Request a new one.',
  'auth/expired-action-code': 'This sign-in link has expired. Request a new one.',
  'auth/operation-not-allowed': 'This sign-in method is not enabled for the portal.',
  'auth/weak-password': 'Choose a longer password (at least 8 characters).',
};

/** A sentence for the user from a Firebase or API error. */
export function authErrorMessage(err) {
  if (!err) return 'Sign-in failed. Try again.';
  if (err.name === 'ApiError') return err.message;
  if (err.code && FIREBASE_MESSAGES[err.code]) return FIREBASE_MESSAGES[err.code];
  return 'Sign-in failed. Try again.';
}
