// The unread-notification count the bell shows, in one place: `fetchUnread` asks the
// API, `useUnreadCount` keeps it current (polling, and at once when a page changes the
// read state through `notificationsChanged()`). Live updates plug in here.

import { api } from './api.js';
import { countChanged, useLiveCount } from './live-count.js';

const CHANGED = 'portal:notifications-changed';

/** How many of the caller's notifications are unread. */
export async function fetchUnread(signal) {
  const res = await api.get('/api/notifications/unread', { signal });
  return (res && res.unread) || 0;
}

/** Tell the bell that the read state changed (optionally with the new count). */
export function notificationsChanged(unread) {
  countChanged(CHANGED, unread);
}

/** The unread count, refetched every minute, when the tab comes back, live and on changes. */
export function useUnreadCount() {
  return useLiveCount(fetchUnread, { topic: 'notifications', event: CHANGED });
}
