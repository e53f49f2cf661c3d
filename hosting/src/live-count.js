// A number the navigation shows (unread notifications, threads with news), kept current in
// one way: fetched once, then again when its live topic moves, every minute as the fallback,
// when the tab comes back, and when a page announces a change through a window event (whose
// detail may carry the new count).

import { useEffect, useState } from 'preact/hooks';
import { isAbort } from './api.js';
import { subscribe } from './live.js';

const POLL_MS = 60_000;

/** Announce a change of the count kept under `event` (optionally with the new value). */
export function countChanged(event, value) {
  window.dispatchEvent(new CustomEvent(event, { detail: { value } }));
}

/** `fetchCount(signal)` resolves to the number; `topic` is the live topic that moves it. */
export function useLiveCount(fetchCount, { topic, event, enabled = true }) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    let controller = null;
    const load = () => {
      if (controller) controller.abort();
      controller = new AbortController();
      fetchCount(controller.signal).then(setCount, (err) => {
        if (!isAbort(err)) setCount((c) => c); // keep the last count; the next poll tries again
      });
    };
    const onChanged = (e) => {
      if (e.detail && typeof e.detail.value === 'number') setCount(e.detail.value);
      else load();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') load();
    };
    load();
    const timer = setInterval(load, POLL_MS);
    const unsubscribe = subscribe(topic, load);
    window.addEventListener(event, onChanged);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      unsubscribe();
      if (controller) controller.abort();
      window.removeEventListener(event, onChanged);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled]);
  return count;
}
