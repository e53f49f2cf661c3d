// The unread-notification count the bell shows, in one place: `fetchUnread` asks the
// API, `useUnreadCount` keeps it current (polling, and at once when a page changes the
// read state through `notificationsChanged()`). Live updates plug in here.

import { useEffect, useState } from 'preact/hooks';
import { api, isAbort } from './api.js';

const CHANGED = 'portal:notifications-changed';
const POLL_MS = 60_000;

/** How many of the caller's notifications are unread. */
export async function fetchUnread(signal) {
  const res = await api.get('/api/notifications/unread', { signal });
  return (res && res.unread) || 0;
}

/** Tell the bell that the read state changed (optionally with the new count). */
export function notificationsChanged(unread) {
  window.dispatchEvent(new CustomEvent(CHANGED, { detail: { unread } }));
}

/** The unread count, refetched every minute, when the tab comes back and on changes. */
export function useUnreadCount() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let controller = null;
    const load = () => {
      if (controller) controller.abort();
      controller = new AbortController();
      fetchUnread(controller.signal).then(setCount, (err) => {
        if (!isAbort(err)) setCount((c) => c); // keep the last count; the next poll tries again
      });
    };
    const onChanged = (e) => {
      if (e.detail && typeof e.detail.unread === 'number') setCount(e.detail.unread);
      else load();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') load();
    };
    load();
    const timer = setInterval(load, POLL_MS);
    window.addEventListener(CHANGED, onChanged);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      if (controller) controller.abort();
      window.removeEventListener(CHANGED, onChanged);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
  return count;
}
