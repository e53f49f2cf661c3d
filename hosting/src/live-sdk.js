// The Firestore side of live updates (its own chunk, loaded by live.js after the first
// paint): a Firebase app of its own, signed in with a custom token from the portal's
// session, listening to one document, `live/{uid}`.

import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, inMemoryPersistence, initializeAuth, signInWithCustomToken, signOut } from 'firebase/auth';
import { connectFirestoreEmulator, doc, getFirestore, onSnapshot } from 'firebase/firestore';
import { api } from './api.js';

let setup = null;

function services() {
  if (!setup) {
    setup = (async () => {
      const cfg = await api.get('/api/auth/config', { auth: false });
      const app = initializeApp(cfg.firebase, 'live');
      const auth = initializeAuth(app, { persistence: inMemoryPersistence });
      if (cfg.authEmulatorUrl) connectAuthEmulator(auth, cfg.authEmulatorUrl, { disableWarnings: true });
      const db = getFirestore(app);
      if (cfg.firestoreEmulatorHost) {
        const at = cfg.firestoreEmulatorHost.lastIndexOf(':');
        connectFirestoreEmulator(db, cfg.firestoreEmulatorHost.slice(0, at), Number(cfg.firestoreEmulatorHost.slice(at + 1)));
      }
      return { auth, db };
    })();
    setup.catch(() => {
      setup = null;
    });
  }
  return setup;
}

/** Sign in for the session and listen; resolves to a function that stops listening. */
export async function listen({ onData, onError }) {
  const { auth, db } = await services();
  const { token, uid } = await api.post('/api/auth/live-token', {});
  await signInWithCustomToken(auth, token);
  return onSnapshot(
    doc(db, 'live', uid),
    (snap) => onData(snap.exists() ? snap.data() : {}),
    (err) => onError(err),
  );
}

export async function signOutLive() {
  if (!setup) return;
  const { auth } = await setup;
  await signOut(auth);
}
