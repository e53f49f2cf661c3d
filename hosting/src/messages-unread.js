// How many threads have news for the caller: the Messages link's badge in the navigation.
// Fetched once, then again whenever a thread changes (live, or the poll when live is
// paused), when the tab comes back, and when a page marks a thread read.

import { useEffect, useState } from 'preact/hooks';
import { api, isAbort } from './api.js';
import { subscribe } from './live.js';

const CHANGED = 'portal:threads-changed';
const POLL_MS = 60_000;

/** Tell the badge that a thread's read state changed. */
export function threadsChanged() {
  window.dispatchEvent(new CustomEvent(CHANGED));
}

export function useUnreadThreads(enabled) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    let controller = null;
    const load = () => {
      if (controller) controller.abort();
      controller = new AbortController();
      api.get('/api/messages', { query: { limit: 1 }, signal: controller.signal }).then(
        (res) => setCount((res && res.unreadThreads) || 0),
        (err) => {
          if (!isAbort(err)) setCount((c) => c);
        },
      );
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') load();
    };
    load();
    const timer = setInterval(load, POLL_MS);
    const unsubscribe = subscribe('messages', load);
    window.addEventListener(CHANGED, load);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      unsubscribe();
      if (controller) controller.abort();
      window.removeEventListener(CHANGED, load);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled]);
  return count;
}
