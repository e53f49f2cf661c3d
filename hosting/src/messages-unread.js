// How many threads have news for the caller: the Messages link's badge in the navigation.

import { api } from './api.js';
import { countChanged, useLiveCount } from './live-count.js';

const CHANGED = 'portal:threads-changed';

async function fetchUnreadThreads(signal) {
  const res = await api.get('/api/messages', { query: { limit: 1 }, signal });
  return (res && res.unreadThreads) || 0;
}

/** Tell the badge that a thread's read state changed. */
export function threadsChanged() {
  countChanged(CHANGED);
}

export function useUnreadThreads(enabled) {
  return useLiveCount(fetchUnreadThreads, { topic: 'messages', event: CHANGED, enabled });
}
