// A thread (/messages/{id}): its messages oldest first ("Earlier messages" loads older
// ones), a composer with file attachments, internal notes for staff (clearly marked,
// never shown to clients), and editing or deleting within 15 minutes. Opening the
// thread marks it read.

import { useEffect, useRef, useState } from 'preact/hooks';
import { AttachmentList, AttachmentPicker } from '../attachments.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { useLive } from '../live.js';
import { Load, useResource } from '../load.js';
import { threadsChanged } from '../messages-unread.js';
import { can } from '../state.js';
import { Button, EmptyState, Field, InlineError, PageHeader, TimeAgo, toast } from '../ui.js';

const enc = encodeURIComponent;

function Message({ ctx, threadId, m, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(m.body);
  const { busy, run } = useSubmit({ onError: (err) => toast(err.message, 'error') });
  const path = `/api/messages/${enc(threadId)}/${enc(m.id)}`;
  const save = (e) => {
    e.preventDefault();
    run(async () => {
      await ctx.api.patch(path, { body: text });
      setEditing(false);
      onChanged();
    });
  };
  const remove = async () => {
    if (!window.confirm('Delete this message? A note that it was deleted stays.')) return;
    try {
      await ctx.api.del(path);
      onChanged();
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  const staff = String((m.author && m.author.role) || '').startsWith('aj_');
  const cls = `comment message${m.internal ? ' is-note' : staff ? ' is-staff' : ''}${m.deleted ? ' is-deleted' : ''}`;
  return html`
    <li class=${cls} data-testid=${m.internal ? 'note' : 'message'} data-message-id=${m.id}>
      <div class="comment-head">
        ${m.internal ? html`<span class="badge badge-note" data-testid="note-badge">Internal note · staff only</span>` : null}
        <span class="comment-author">${(m.author && (m.author.name || m.author.email)) || 'Someone'}</span>
        <${TimeAgo} value=${m.createdAt} fallback="" />
        ${m.editedAt && !m.deleted ? html`<span class="muted small" data-testid="message-edited">edited</span>` : null}
      </div>
      ${m.deleted
        ? html`<p class="comment-body muted" data-testid="message-deleted">Message deleted${m.deletedBy && m.deletedBy.uid !== (m.author && m.author.uid) ? ' by staff' : ''}.</p>`
        : editing
          ? html`<form class="comment-form" onSubmit=${save}>
              <label for=${`edit-${m.id}`} class="visually-hidden">Edit message</label>
              <textarea id=${`edit-${m.id}`} class="input textarea" rows="3" maxlength="10000" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
              <div class="form-actions"><${Button} type="submit" class="btn btn-primary" busy=${busy}>Save<//><button type="button" class="btn btn-secondary" onClick=${() => setEditing(false)}>Cancel</button></div>
            </form>`
          : html`<p class="comment-body" data-testid=${m.internal ? 'note-body' : 'message-body'}>${m.body}</p>`}
      <${AttachmentList} attachments=${m.attachments} title="Attached files" headingLevel=${2} testid="message-attachments" />
      ${!editing && (m.canEdit || m.canDelete)
        ? html`<div class="message-actions">
            ${m.canEdit ? html`<button type="button" class="btn btn-ghost btn-sm" data-testid="message-edit" onClick=${() => { setText(m.body); setEditing(true); }}>Edit</button>` : null}
            ${m.canDelete ? html`<button type="button" class="btn btn-ghost btn-sm" data-testid="message-delete" onClick=${remove}>Delete</button>` : null}
          </div>`
        : null}
    </li>
  `;
}

function Composer({ ctx, thread, onSent }) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [attached, setAttached] = useState([]);
  const field = useRef(null);
  const form = useSubmit();
  const mayNote = can('messages.note');
  const send = (e) => {
    e.preventDefault();
    if (!body.trim()) return form.invalid('Write a message first.', field);
    form.run(async () => {
      await ctx.api.post(`/api/messages/${enc(thread.id)}`, { body, internal, attachments: attached.map((f) => f.id) });
      setBody('');
      setAttached([]);
      onSent();
    });
  };
  return html`
    <form class=${`comment-form composer${internal ? ' is-note' : ''}`} novalidate onSubmit=${send} data-testid="composer" aria-label="Reply">
      <div class="error-slot"><${InlineError} message=${form.error} testid="composer-error" /></div>
      <${Field} id="composer-body" label=${internal ? 'Internal note (staff only)' : 'Message'}>
        <textarea ref=${field} id="composer-body" class="input textarea" rows="4" maxlength="10000" value=${body} onInput=${(e) => setBody(e.currentTarget.value)} data-testid="composer-body"></textarea>
      <//>
      <${AttachmentPicker} api=${ctx.api} orgId=${ctx.isStaff ? thread.orgId : null} projectId=${thread.projectId || null} value=${attached} onChange=${setAttached} id="composer-attach" label="Attach files (optional)" />
      <div class="form-actions">
        ${mayNote
          ? html`<label for="composer-internal" class="switch">
              <input type="checkbox" id="composer-internal" class="switch-input" checked=${internal} onChange=${(e) => setInternal(e.currentTarget.checked)} data-testid="composer-internal" />
              <span class="switch-track" aria-hidden="true"></span><span>Internal note</span>
            </label>`
          : null}
        <${Button} type="submit" class="btn btn-primary" busy=${form.busy} busyLabel="Sending…" data-testid="composer-send">${internal ? 'Add internal note' : 'Send'}<//>
      </div>
    </form>
  `;
}

export default function ThreadPage(ctx) {
  const id = ctx.params.id;
  const [older, setOlder] = useState({ items: [], cursor: undefined });
  const detail = useResource((signal) => ctx.api.get(`/api/messages/${enc(id)}`, { query: { limit: 50 }, signal }), [id]);
  // Marked read once per newest message seen: marking read moves this person's live
  // signal, which refetches the thread, which must not mark it read again.
  const marked = useRef('');
  useEffect(() => {
    if (!detail.data) return;
    const seen = `${id}:${detail.data.thread.messageCount}`;
    if (marked.current === seen) return;
    marked.current = seen;
    ctx.api.post(`/api/messages/${enc(id)}/read`, {}).then(threadsChanged, () => {});
  }, [detail.data]);
  // After a change the newest page is fetched again while the thread stays on screen
  // (the composer keeps its state and the reader their place).
  const reload = () => {
    setOlder({ items: [], cursor: undefined });
    detail.reload();
  };
  // Live: another person's message (or note, for staff) appears without a reload. The
  // signal's thread id is only a hint (several changes may arrive as one), so any change
  // refetches this thread's newest page.
  useLive('messages', reload);
  const loadOlder = async (cursor) => {
    try {
      const page = await ctx.api.get(`/api/messages/${enc(id)}`, { query: { limit: 50, cursor } });
      setOlder({ items: [...page.messages, ...older.items], cursor: page.nextCursor });
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  return html`
    <${Load} resource=${detail} skeleton=${{ kind: 'rows', count: 4, label: 'Loading the thread…' }} errorTitle="Could not load this thread">
      ${(data) => {
        const t = data.thread;
        const cursor = older.cursor === undefined ? data.nextCursor : older.cursor;
        const messages = [...older.items, ...data.messages];
        return html`
          <${PageHeader} title=${t.subject} subtitle=${[ctx.isStaff ? t.orgName : null, t.projectName || 'General'].filter(Boolean).join(' · ')} actions=${html`<a class="btn btn-secondary" href="/messages">All threads</a>`} />
          <div class="page-body">
            <section class="card"><div class="card-body">
              ${cursor ? html`<button type="button" class="btn btn-secondary btn-sm" data-testid="thread-older" onClick=${() => loadOlder(cursor)}>Earlier messages</button>` : null}
              ${messages.length
                ? html`<ol class="comments" aria-label="Messages">${messages.map((m) => html`<${Message} key=${m.id} ctx=${ctx} threadId=${t.id} m=${m} onChanged=${reload} />`)}</ol>`
                : html`<${EmptyState} title="No messages" />`}
              ${can('messages.write') ? html`<${Composer} ctx=${ctx} thread=${t} onSent=${reload} />` : null}
            </div></section>
          </div>
        `;
      }}
    <//>
  `;
}
