// Live updates. Each person has one change signal in Firestore, `live/{uid}`: when each
// topic ("approvals", "messages", "notifications", …) last changed and the id of what
// changed, never the data. A page says which topics it shows (`useLive`); when one moves,
// it fetches what it shows again through the API, where the policy applies as always.
//
// The Firestore SDK is its own chunk (live-sdk.js), loaded after the first paint. When
// live updates are unavailable (the token is refused, the SDK does not load, the listener
// fails), the pages poll instead every POLL_SECONDS, and a quiet notice says so.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';

export const POLL_SECONDS = 30;
const RETRY_MS = 5 * 60 * 1000; // try live updates again this long after they failed

const topics = new Map(); // topic -> Set of callbacks (ref) => void
const watchers = new Set(); // status listeners
let status = 'off'; // 'off' | 'connecting' | 'live' | 'polling'
let generation = 0; // bumped by stopLive(): late answers of an old start are ignored
let stopListening = null;
let pollTimer = null;
let retryTimer = null;
let seen = null; // topic -> last `at` (ms) seen
let startedAt = 0;

let sdk = null; // live-sdk.js once loaded

function announce() {
  const state = { status, watched: topics.size > 0 };
  for (const fn of watchers) fn(state);
}

function setStatus(next) {
  status = next;
  document.documentElement.dataset.live = next; // for tests and styles: off, connecting, live, polling
  announce();
}

function emit(topic, ref) {
  for (const fn of topics.get(topic) || []) {
    try {
      fn(ref);
    } catch (err) {
      console.error(err);
    }
  }
}

/** The signal document changed: tell the pages of every topic that moved. */
function onSignal(data) {
  const first = seen === null;
  const next = {};
  for (const [topic, change] of Object.entries(data || {})) {
    const at = change && change.at && typeof change.at.toMillis === 'function' ? change.at.toMillis() : 0;
    next[topic] = at;
    // The first snapshot is the baseline, except for what moved since the page started.
    const moved = first ? at >= startedAt : at && at !== seen[topic];
    if (moved) emit(topic, change.ref || null);
  }
  seen = next;
}

function poll() {
  if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
  for (const topic of topics.keys()) emit(topic, null);
}

function fallBack(gen, err) {
  if (gen !== generation) return;
  if (err) console.warn('Live updates unavailable; polling instead.', err);
  if (stopListening) stopListening();
  stopListening = null;
  setStatus('polling');
  if (!pollTimer) pollTimer = setInterval(poll, POLL_SECONDS * 1000);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => connect(gen), RETRY_MS);
}

async function connect(gen) {
  if (gen !== generation) return;
  setStatus(status === 'polling' ? 'polling' : 'connecting');
  try {
    sdk = await import('./live-sdk.js');
    if (gen !== generation) return;
    const stop = await sdk.listen({
      onData: (data) => gen === generation && onSignal(data),
      onError: (err) => fallBack(gen, err),
    });
    if (gen !== generation) {
      stop();
      return;
    }
    stopListening = stop;
    clearInterval(pollTimer);
    pollTimer = null;
    if (status === 'polling') poll(); // catch up on what changed while polling
    setStatus('live');
  } catch (err) {
    fallBack(gen, err);
  }
}

/**
 * Start listening for the signed-in user (after the first paint; once per session). `after`:
 * the first page's data request, if any: the SDK loads once it has answered, not beside it.
 */
export function startLive(after = null) {
  if (status !== 'off') return;
  const gen = ++generation;
  seen = null;
  startedAt = Date.now();
  setStatus('connecting');
  const later = typeof requestIdleCallback === 'function' ? (fn) => requestIdleCallback(fn, { timeout: 1500 }) : (fn) => setTimeout(fn, 200);
  Promise.resolve(after)
    .catch(() => {})
    .then(() => later(() => connect(gen)));
}

/** Stop with the session (sign-out, expiry): the listener ends and the SDK signs out. */
export function stopLive() {
  generation += 1;
  if (stopListening) stopListening();
  stopListening = null;
  clearInterval(pollTimer);
  clearTimeout(retryTimer);
  pollTimer = null;
  seen = null;
  if (sdk) sdk.signOutLive().catch(() => {});
  setStatus('off');
}

/** Outside components: call `fn(ref)` when `topic` changes; returns the unsubscribe. */
export function subscribe(topic, fn) {
  if (!topics.has(topic)) topics.set(topic, new Set());
  topics.get(topic).add(fn);
  announce();
  return () => {
    const set = topics.get(topic);
    if (!set) return;
    set.delete(fn);
    if (!set.size) topics.delete(topic);
    announce();
  };
}

/**
 * Call `onChange(ref)` whenever `topic` changes (or, while polling, every POLL_SECONDS).
 * With a resource: useLive('approvals', approvals.reload).
 */
export function useLive(topic, onChange) {
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    return subscribe(topic, (ref) => latest.current && latest.current(ref));
  }, [topic]);
}

/** { status: 'off' | 'connecting' | 'live' | 'polling', watched: whether a page uses a topic } */
export function useLiveStatus() {
  const [value, setValue] = useState({ status, watched: topics.size > 0 });
  useEffect(() => {
    watchers.add(setValue);
    setValue({ status, watched: topics.size > 0 });
    return () => watchers.delete(setValue);
  }, []);
  return value;
}

/** A quiet line at the foot of a page that follows changes, while they arrive by polling. */
export function LiveNotice() {
  const { status: value, watched } = useLiveStatus();
  if (value !== 'polling' || !watched) return null;
  return html`<p class="live-notice" role="status" data-testid="live-notice">Live updates are paused: this page refreshes every ${POLL_SECONDS} seconds, so nothing is lost.</p>`;
}
