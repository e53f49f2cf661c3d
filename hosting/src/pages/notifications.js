// Notifications: the caller's own, newest first, a page at a time; each links to its
// item; mark one or all read. Preferences (what is mailed) are on their own page.

import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { useLive } from '../live.js';
import { Load, LoadMore, usePages } from '../load.js';
import { notificationsChanged } from '../notifications.js';
import { Button, EmptyState, PageHeader, TimeAgo, plural, toast } from '../ui.js';

const safeLink = (link) => (typeof link === 'string' && link.startsWith('/') && !link.startsWith('//') ? link : '/');

function Item({ n, onRead }) {
  const { busy, run } = useSubmit();
  const read = () => run(() => onRead(n));
  return html`
    <li class=${`notification${n.read ? '' : ' unread'}`} data-testid="notification" data-read=${String(n.read)}>
      <div class="notification-main">
        <p class="notification-kind muted small">${n.label}${n.read ? '' : html`<span class="visually-hidden"> (unread)</span>`}</p>
        <a href=${safeLink(n.link)} class="notification-title link" onClick=${() => !n.read && onRead(n)}>${n.title}</a>
        ${n.body ? html`<p class="notification-body">${n.body}</p>` : null}
        <${TimeAgo} value=${n.createdAt} />
      </div>
      ${n.read
        ? null
        : html`<${Button} class="btn btn-secondary btn-sm" busy=${busy} busyLabel="Marking…" data-testid="mark-read" onClick=${read}>Mark read<span class="visually-hidden">: ${n.title}</span><//>`}
    </li>
  `;
}

export default function NotificationsPage({ api }) {
  const pages = usePages(async (cursor, signal) => {
    const res = await api.get('/api/notifications', { query: cursor ? { cursor } : {}, signal });
    return { ...res, nextCursor: res.next };
  }, []);
  useLive('notifications', pages.reload);
  const { busy, run } = useSubmit({ onError: (err) => toast(`Could not mark them read: ${err.message}`, 'error') });
  const unread = pages.data ? pages.data.unread : 0;

  const markRead = async (n) => {
    try {
      const res = await api.post(`/api/notifications/${encodeURIComponent(n.id)}/read`, {});
      pages.setData((d) => ({ ...d, unread: res.unread, items: d.items.map((x) => (x.id === n.id ? { ...x, read: true } : x)) }));
      notificationsChanged(res.unread);
    } catch (err) {
      toast(`Could not mark it read: ${err.message}`, 'error');
    }
  };
  const markAll = () =>
    run(async () => {
      await api.post('/api/notifications/read', {});
      pages.setData((d) => ({ ...d, unread: 0, items: d.items.map((x) => ({ ...x, read: true })) }));
      notificationsChanged(0);
      toast('All notifications marked read.', 'success');
    });

  return html`
    <${PageHeader}
      title="Notifications"
      subtitle=${pages.data ? (unread ? `${plural(unread, 'unread notification')}` : 'All caught up') : ''}
      subtitleTestid="unread-summary"
      actions=${html`
        <a href="/notifications/settings" class="btn btn-secondary" data-testid="notification-settings">Notification settings</a>
        ${unread ? html`<${Button} class="btn btn-primary" busy=${busy} busyLabel="Marking…" data-testid="mark-all-read" onClick=${markAll}>Mark all read<//>` : null}
      `}
    />
    <section class="card" aria-label="Your notifications"><div class="card-body">
      <${Load}
        resource=${pages}
        skeleton=${{ kind: 'rows', count: 4, label: 'Loading your notifications…' }}
        errorTitle="Could not load your notifications"
        isEmpty=${(d) => !d.items.length}
        empty=${html`<${EmptyState} title="No notifications yet" text="Approvals, messages, files and payments that need you will show up here." icon="inbox" />`}
      >
        ${(d) => html`
          <ul class="notification-list">
            ${d.items.map((n) => html`<${Item} key=${n.id} n=${n} onRead=${markRead} />`)}
          </ul>
          <${LoadMore} pages=${pages} testid="notifications-more" />
        `}
      <//>
    </div></section>
  `;
}
