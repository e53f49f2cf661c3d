// One approval (/approvals/{id}): the work for the selected version (image, video,
// audio inline; anything else as notes plus an "Open preview" link, since the CSP
// forbids frames), the feedback thread per version, the decision buttons for those
// who may decide, the decision history, and for staff a new version.

import { APPROVAL_STATUS_LABELS, CONTENT_TYPE_LABELS, DECIDE_REASON, approvalBadge, dueChip, externalLink, personName, safeUrl } from '../approval-bits.js';
import { h, icon, mount } from '../dom.js';
import { ROLE_LABELS, displayName } from '../state.js';
import { busy, emptyState, errorState, formatDate, formatDateTime, inlineError, pageHeader, skeleton, timeAgo, toast } from '../ui.js';

const IMAGE_RE = /\.(png|jpe?g|gif|webp|avif|svg|bmp)$/i;
const VIDEO_RE = /\.(mp4|webm|mov|m4v|ogv)$/i;
const AUDIO_RE = /\.(mp3|wav|ogg|oga|m4a|aac|flac|opus)$/i;

const ACTIONS = [
  { action: 'approve', label: 'Approve', cls: 'btn-success', icon: 'check', needsComment: false },
  { action: 'request_revision', label: 'Request changes', cls: 'btn-secondary', icon: 'refresh', needsComment: true },
  { action: 'reject', label: 'Reject', cls: 'btn-danger-ghost', icon: 'close', needsComment: true },
];
const VERBS = { approve: 'approved', reject: 'rejected', request_revision: 'requested changes to' };
const DONE_MESSAGES = { approve: 'Approved.', reject: 'Rejected.', request_revision: 'Changes requested.' };

/** What the viewer shows for a version's preview: 'image' | 'video' | 'audio' | 'link' | 'none'. */
export function viewerKind(contentType, previewUrl) {
  const url = safeUrl(previewUrl);
  if (!url) return 'none';
  const path = new URL(url).pathname;
  if (IMAGE_RE.test(path)) return 'image';
  if (VIDEO_RE.test(path) || (contentType === 'video' && !IMAGE_RE.test(path) && !AUDIO_RE.test(path) && !/\.(pdf|docx?|txt|html?)$/i.test(path))) return 'video';
  if (AUDIO_RE.test(path) || (contentType === 'audio' && !/\.(pdf|docx?|txt|html?)$/i.test(path))) return 'audio';
  return 'link';
}

export function decisionSentence(d, nameOf = personName) {
  return `${nameOf(d.by)} ${VERBS[d.action] || String(d.action || 'decided').replace(/_/g, ' ')} version ${d.version}`;
}

function fileName(url) {
  try {
    const u = new URL(url);
    const last = decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() || '');
    return last || u.hostname;
  } catch {
    return url;
  }
}

export async function render(container, ctx) {
  const id = ctx.params.id;
  let item = null;
  let selected = null; // the version number in view
  const back = h('a', { href: '/approvals', class: 'back-link' }, icon('back'), 'All approvals');
  const body = h('div', { class: 'page-body' });
  mount(container, back, body);
  const slots = {};
  // People's names by email: the API may give only emails for authors and deciders.
  const names = new Map([[String(ctx.user.email || '').toLowerCase(), displayName(ctx.user)]]);
  let namesLoaded = false;
  function nameOf(p) {
    if (!p) return 'Someone';
    if (p.name) return p.name;
    const known = p.email && names.get(String(p.email).toLowerCase());
    return known || p.email || 'Someone';
  }

  async function loadNames() {
    if (namesLoaded || !item) return;
    namesLoaded = true;
    for (const a of item.assignees || []) if (a.email && a.name) names.set(a.email.toLowerCase(), a.name);
    const orgs = [item.orgId];
    if (ctx.isStaff && ctx.user.orgId) orgs.push(ctx.user.orgId);
    let changed = false;
    for (const orgId of orgs) {
      if (!orgId) continue;
      try {
        const res = await ctx.api.get('/api/members', { query: { orgId }, signal: ctx.signal });
        for (const m of res.items || []) {
          const n = displayName(m);
          if (m.email && n && n !== m.email) {
            names.set(m.email.toLowerCase(), n);
            changed = true;
          }
        }
      } catch {
        /* not allowed or unavailable: emails stay as they are */
      }
    }
    if (!changed || ctx.signal.aborted || !item || !slots.facts) return;
    // Redraw what shows names, leaving forms (and anything typed) alone.
    drawFacts();
    drawHistory();
    if (item.status !== 'pending') drawDecide();
    for (const el of slots.thread.querySelectorAll('.comment-author[data-email]')) {
      const n = names.get(el.dataset.email);
      if (n) el.textContent = n;
    }
  }

  async function fetchItem() {
    return ctx.api.get(`/api/approvals/${encodeURIComponent(id)}`, { signal: ctx.signal });
  }

  async function load() {
    mount(body, pageHeader('Approval'), skeleton('cards', 2, 'Loading the approval…'));
    try {
      item = await fetchItem();
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err.status === 404 || err.status === 403) {
        document.title = 'Approval not found · Client Portal';
        mount(
          body,
          pageHeader('Approval not found'),
          h('div', { class: 'card', 'data-testid': 'approval-not-found' }, emptyState('We couldn’t find this approval', 'It may have been removed, or the link may be wrong.', 'approvals', h('a', { href: '/approvals', class: 'btn btn-primary' }, 'See all approvals'))),
        );
        return;
      }
      mount(body, pageHeader('Approval'), errorState(err, load, 'Could not load the approval'));
      return;
    }
    if (ctx.signal.aborted) return;
    selected = item.currentVersion || latestVersion();
    for (const a of item.assignees || []) if (a.email && a.name) names.set(a.email.toLowerCase(), a.name);
    draw();
    loadNames();
  }

  /** Fetch again (after a change or a conflict) and keep the view where it is unless told otherwise. */
  async function reload(toCurrent = false) {
    try {
      const fresh = await fetchItem();
      if (ctx.signal.aborted) return;
      item = fresh;
      if (toCurrent || !versions().some((v) => v.number === selected)) selected = item.currentVersion || latestVersion();
      draw();
    } catch (err) {
      if (!ctx.signal.aborted) toast(`Could not refresh: ${err.message}`, 'error');
    }
  }

  function versions() {
    return (item.versions || []).slice().sort((a, b) => a.number - b.number);
  }
  function latestVersion() {
    const v = versions();
    return v.length ? v[v.length - 1].number : 1;
  }
  function versionOf(n) {
    return versions().find((v) => v.number === n) || null;
  }

  function draw() {
    document.title = `${item.title || 'Approval'} · Client Portal`;
    const subtitle = [
      approvalBadge(item.status, 'approval-status'),
      h('span', { class: 'muted' }, CONTENT_TYPE_LABELS[item.contentType] || item.contentType || ''),
      ctx.isStaff && item.orgName ? h('span', { class: 'muted' }, `· ${item.orgName}`) : null,
    ];
    const header = pageHeader(item.title || 'Untitled', subtitle);
    header.querySelector('.page-subtitle').classList.add('project-subtitle');
    slots.facts = h('section', { class: 'card approval-facts', 'aria-label': 'Details' });
    slots.viewer = h('section', { class: 'card approval-viewer-card', 'aria-labelledby': 'viewer-title' });
    slots.decide = h('section', { class: 'card decide-card', 'aria-labelledby': 'decide-title', 'data-testid': 'decision-panel' });
    slots.thread = h('section', { class: 'card', 'aria-labelledby': 'thread-title' });
    slots.history = h('section', { class: 'card', 'aria-labelledby': 'history-title' });
    slots.upload = ctx.isStaff ? h('section', { class: 'card', 'aria-labelledby': 'upload-title' }) : null;
    mount(
      body,
      header,
      h('div', { class: 'approval-grid' }, h('div', { class: 'approval-main' }, slots.viewer, slots.thread), h('div', { class: 'approval-side' }, slots.decide, slots.facts, slots.history, slots.upload)),
    );
    drawFacts();
    drawViewer();
    drawDecide();
    drawThread();
    drawHistory();
    if (slots.upload) drawUpload();
  }

  function drawFacts() {
    const assignees = item.assignees || [];
    const projectHref = item.projectId ? `/projects/${encodeURIComponent(item.projectId)}` : null;
    mount(
      slots.facts,
      h(
        'dl',
        { class: 'facts' },
        h('div', { class: 'facts-wide' }, h('dt', null, 'Project'), h('dd', null, projectHref ? h('a', { href: projectHref, class: 'link', 'data-testid': 'approval-project' }, item.projectName || item.projectId) : '—')),
        h('div', null, h('dt', null, 'Due'), h('dd', null, dueChip(item, 'approval-due'))),
        h('div', null, h('dt', null, 'Version'), h('dd', null, `${item.currentVersion || latestVersion()}`)),
        h(
          'div',
          { class: 'facts-wide' },
          h('dt', null, 'Who decides'),
          h(
            'dd',
            { 'data-testid': 'approval-assignees' },
            assignees.length ? h('ul', { class: 'team-list' }, assignees.map((a) => h('li', null, a.name && a.name !== a.email ? `${a.name} (${a.email})` : a.email))) : 'The client owner (nobody else assigned)',
          ),
        ),
        h('div', { class: 'facts-wide' }, h('dt', null, 'Submitted'), h('dd', null, `${formatDateTime(item.submittedAt)}${item.submittedBy ? ` by ${nameOf(item.submittedBy)}` : ''}`)),
        item.decidedAt ? h('div', { class: 'facts-wide' }, h('dt', null, 'Decided'), h('dd', null, formatDateTime(item.decidedAt))) : null,
      ),
      item.description ? h('p', { class: 'approval-description', 'data-testid': 'approval-description' }, item.description) : null,
    );
  }

  function versionSelect() {
    const list = versions();
    const select = h(
      'select',
      { id: 'version-select', class: 'select', 'data-testid': 'version-select' },
      list.map((v) => h('option', { value: String(v.number) }, `Version ${v.number}`)),
    );
    select.value = String(selected);
    select.disabled = list.length < 2;
    select.addEventListener('change', () => {
      selected = Number(select.value);
      drawViewer();
      drawDecide();
      drawThread();
    });
    return h('div', { class: 'filter version-filter' }, h('label', { for: 'version-select', class: 'field-label' }, 'Showing'), select);
  }

  function drawViewer() {
    const v = versionOf(selected);
    const content = (v && v.content) || {};
    const url = safeUrl(content.previewUrl);
    const kind = viewerKind(item.contentType, content.previewUrl);
    let media = null;
    if (kind === 'image') {
      media = h('img', { src: url, alt: `${item.title} — version ${selected}`, class: 'viewer-image', referrerpolicy: 'no-referrer' });
      media.addEventListener('error', () => media.replaceWith(h('p', { class: 'viewer-broken', 'data-testid': 'approval-viewer-broken' }, icon('alert'), 'The image could not be loaded here. Try “Open preview”.')), { once: true });
    }
    else if (kind === 'video') media = h('video', { src: url, controls: true, preload: 'metadata', class: 'viewer-media' }, 'Your browser cannot play this video. Use “Open preview”.');
    else if (kind === 'audio') media = h('audio', { src: url, controls: true, preload: 'metadata', class: 'viewer-audio' }, 'Your browser cannot play this audio. Use “Open preview”.');
    const files = (content.fileUrls || []).map(safeUrl).filter(Boolean);
    const isCurrent = selected === (item.currentVersion || latestVersion());
    mount(
      slots.viewer,
      h(
        'div',
        { class: 'card-head viewer-head' },
        h('h2', { id: 'viewer-title', class: 'section-title' }, 'The work', !isCurrent ? h('span', { class: 'badge badge-muted viewer-old' }, 'Earlier version') : null),
        versionSelect(),
      ),
      h(
        'div',
        { class: 'card-body' },
        h(
          'div',
          { class: `viewer is-${kind}`, 'data-testid': 'approval-viewer', 'data-kind': kind, 'data-version': String(selected) },
          media,
          kind === 'link'
            ? h(
                'div',
                { class: 'viewer-link' },
                h('span', { class: 'viewer-link-icon', 'aria-hidden': 'true' }, icon('files')),
                h('p', null, 'This preview opens in a new tab.'),
                externalLink(url, 'Open preview', { class: 'btn btn-primary', 'data-testid': 'approval-open-preview' }),
              )
            : null,
          kind === 'none' && !content.notes ? h('p', { class: 'muted viewer-empty' }, 'No preview for this version. See the notes and files below.') : null,
          content.notes ? h('div', { class: 'viewer-notes', 'data-testid': 'approval-notes' }, h('h3', { class: 'viewer-sub' }, 'Notes'), h('p', { class: 'notes-text' }, content.notes)) : null,
        ),
        (kind === 'image' || kind === 'video' || kind === 'audio') && url ? h('p', { class: 'small' }, externalLink(url, 'Open preview in a new tab', { class: 'link', 'data-testid': 'approval-open-preview' })) : null,
        files.length
          ? h('div', { class: 'viewer-files' }, h('h3', { class: 'viewer-sub' }, 'Files'), h('ul', { class: 'file-links' }, files.map((f) => h('li', null, externalLink(f, fileName(f), { class: 'link', 'data-testid': 'approval-file' })))))
          : null,
        v ? h('p', { class: 'muted small' }, `Version ${v.number} · submitted ${formatDateTime(v.submittedAt)}${v.submittedBy && (v.submittedBy.email || v.submittedBy.name) ? ` by ${nameOf(v.submittedBy)}` : ''}`) : null,
      ),
    );
  }

  function drawDecide() {
    const current = item.currentVersion || latestVersion();
    const head = h('div', { class: 'card-head' }, h('h2', { id: 'decide-title', class: 'section-title' }, 'Decision'));
    const decided = (item.decisions || []).filter((d) => d.version === current);
    const last = decided[decided.length - 1];
    if (item.status !== 'pending') {
      mount(
        slots.decide,
        head,
        h(
          'div',
          { class: 'card-body' },
          h('div', { class: 'decided-line' }, approvalBadge(item.status), h('span', null, last ? `${decisionSentence(last, nameOf)} ${timeAgoText(last.at)}.` : `${APPROVAL_STATUS_LABELS[item.status] || item.status}.`)),
          item.status === 'revision_requested' ? h('p', { class: 'muted small' }, ctx.isStaff ? 'Upload a new version below when the changes are ready.' : 'The agency will upload a new version for you to review.') : null,
        ),
      );
      return;
    }
    if (!item.canDecide) {
      mount(
        slots.decide,
        head,
        h('div', { class: 'card-body' }, h('p', { class: 'alert alert-info', 'data-testid': 'decision-not-allowed' }, icon('lock'), h('span', null, `${DECIDE_REASON}.`)), h('p', { class: 'muted small' }, 'You can still leave feedback in the thread.')),
      );
      return;
    }
    if (selected !== current) {
      const jump = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, `Show version ${current}`);
      jump.addEventListener('click', () => {
        selected = current;
        draw();
      });
      mount(slots.decide, head, h('div', { class: 'card-body' }, h('p', { class: 'muted' }, `Decisions are made on the latest version (version ${current}).`), jump));
      return;
    }
    const comment = h('textarea', { id: 'decision-comment', class: 'input textarea', rows: '3', maxlength: '5000', 'data-testid': 'decision-comment', placeholder: 'Why? What should change?' });
    const errorSlot = h('div', { class: 'error-slot', 'aria-live': 'polite' });
    const buttons = ACTIONS.map((a) => {
      const b = h('button', { type: 'button', class: `btn ${a.cls}`, 'data-testid': `decision-${a.action}` }, icon(a.icon), a.label);
      b.addEventListener('click', () => decide(a, b));
      return b;
    });
    async function decide(a, button) {
      errorSlot.replaceChildren();
      const text = comment.value.trim();
      if (a.needsComment && !text) {
        mount(errorSlot, inlineError(`Add a comment saying why, to ${a.label.toLowerCase()}.`, 'decision-error'));
        comment.setAttribute('aria-invalid', 'true');
        comment.focus();
        return;
      }
      comment.removeAttribute('aria-invalid');
      for (const b of buttons) b.disabled = true;
      const restore = busy(button, 'Saving…');
      try {
        const updated = await ctx.api.post(`/api/approvals/${encodeURIComponent(id)}/action`, { action: a.action, comment: text, version: current }, { signal: ctx.signal });
        if (ctx.signal.aborted) return;
        if (updated && typeof updated === 'object' && updated.id) item = { ...item, ...updated };
        toast(DONE_MESSAGES[a.action], 'success');
        draw();
        reload(true);
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        for (const b of buttons) b.disabled = false;
        if (err.status === 409) {
          toast(err.message, 'error');
          await reload(true);
          const slot = slots.decide.querySelector('.card-body');
          if (slot) slot.prepend(inlineError(err.message, 'decision-error'));
          return;
        }
        mount(errorSlot, inlineError(err.message, 'decision-error'));
      }
    }
    mount(
      slots.decide,
      head,
      h(
        'div',
        { class: 'card-body' },
        h('p', { class: 'muted small' }, `Deciding on version ${current}. A comment is required to request changes or reject.`),
        h('div', { class: 'field' }, h('label', { for: 'decision-comment', class: 'field-label' }, 'Comment'), comment),
        errorSlot,
        h('div', { class: 'decision-buttons' }, buttons),
      ),
    );
  }

  function drawThread() {
    const comments = (item.comments || []).filter((c) => c.version === selected);
    const textarea = h('textarea', { id: 'comment-body', class: 'input textarea', rows: '3', maxlength: '5000', 'data-testid': 'comment-body', placeholder: `Feedback on version ${selected}…` });
    const submit = h('button', { type: 'submit', class: 'btn btn-secondary', 'data-testid': 'comment-submit' }, icon('messages'), 'Post comment');
    const errorSlot = h('div', { class: 'error-slot' });
    const form = h(
      'form',
      { class: 'comment-form', novalidate: true },
      h('label', { for: 'comment-body', class: 'field-label' }, 'Add feedback'),
      textarea,
      errorSlot,
      h('div', { class: 'form-actions' }, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errorSlot.replaceChildren();
      const text = textarea.value.trim();
      if (!text) {
        mount(errorSlot, inlineError('Write something first.', 'comment-error'));
        textarea.focus();
        return;
      }
      const restore = busy(submit, 'Posting…');
      const version = selected;
      try {
        const res = await ctx.api.post(`/api/approvals/${encodeURIComponent(id)}/comments`, { body: text, version }, { signal: ctx.signal });
        if (ctx.signal.aborted) return;
        const comment = (res && res.comment) || null;
        if (comment) item.comments = [...(item.comments || []), { version, ...comment }];
        drawThread();
        if (!comment) reload();
        const again = slots.thread.querySelector('[data-testid="comment-body"]');
        if (again) again.focus();
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        mount(errorSlot, inlineError(err.message, 'comment-error'));
      }
    });
    mount(
      slots.thread,
      h('div', { class: 'card-head' }, h('h2', { id: 'thread-title', class: 'section-title' }, `Feedback on version ${selected}`)),
      h(
        'div',
        { class: 'card-body' },
        comments.length
          ? h(
              'ol',
              { class: 'comments', 'aria-label': `Comments on version ${selected}` },
              comments.map((c) => {
                const staff = c.author && String(c.author.role || '').startsWith('aj_');
                return h(
                  'li',
                  { class: `comment${staff ? ' is-staff' : ''}`, 'data-testid': 'comment' },
                  h(
                    'div',
                    { class: 'comment-head' },
                    h('span', { class: 'comment-author', 'data-email': c.author && c.author.email ? String(c.author.email).toLowerCase() : null }, nameOf(c.author)),
                    c.author && c.author.role ? h('span', { class: 'muted small' }, staff ? 'Agency' : ROLE_LABELS[c.author.role] || c.author.role) : null,
                    timeAgo(c.createdAt),
                  ),
                  h('p', { class: 'comment-body' }, c.body),
                );
              }),
            )
          : h('p', { class: 'muted' }, 'No feedback on this version yet.'),
        form,
      ),
    );
  }

  function drawHistory() {
    const decisions = (item.decisions || []).slice().sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
    mount(
      slots.history,
      h('div', { class: 'card-head' }, h('h2', { id: 'history-title', class: 'section-title' }, 'Decision history')),
      h(
        'div',
        { class: 'card-body' },
        decisions.length
          ? h(
              'ol',
              { class: 'timeline', 'data-testid': 'decision-history' },
              decisions.map((d) =>
                h(
                  'li',
                  { class: `timeline-item decision-${d.action}`, 'data-testid': 'decision-row', 'data-action': d.action, 'data-version': String(d.version) },
                  h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
                  h(
                    'div',
                    { class: 'timeline-body' },
                    h('span', { class: 'timeline-text' }, h('strong', null, decisionSentence(d, nameOf)), ' · ', h('time', { datetime: d.at || '', title: formatDateTime(d.at) }, formatDate(d.at)), d.comment ? ` · ${d.comment}` : ''),
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, 'No decisions yet.'),
      ),
    );
  }

  function drawUpload() {
    const preview = h('input', { id: 'version-new-preview', class: 'input', type: 'url', inputmode: 'url', autocomplete: 'off', 'data-testid': 'version-new-preview', placeholder: 'https://…' });
    const files = h('textarea', { id: 'version-new-files', class: 'input textarea', rows: '2', 'data-testid': 'version-new-files', placeholder: 'One https:// link per line' });
    const notes = h('textarea', { id: 'version-new-notes', class: 'input textarea', rows: '3', maxlength: '20000', 'data-testid': 'version-new-notes', placeholder: 'What changed in this version?' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'version-new-submit' }, icon('plus'), 'Upload new version');
    const errorSlot = h('div', { class: 'error-slot' });
    const next = (item.currentVersion || latestVersion()) + 1;
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      h('p', { class: 'muted small' }, `Becomes version ${next} and sets the approval back to pending.`),
      errorSlot,
      h('div', { class: 'field' }, h('label', { for: 'version-new-preview', class: 'field-label' }, 'Preview URL'), preview),
      h('div', { class: 'field' }, h('label', { for: 'version-new-files', class: 'field-label' }, 'File links (optional)'), files),
      h('div', { class: 'field' }, h('label', { for: 'version-new-notes', class: 'field-label' }, 'Notes'), notes),
      submit,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errorSlot.replaceChildren();
      const previewUrl = preview.value.trim();
      const fileUrls = files.value
        .split(/\s+/)
        .map((s) => s.trim())
        .filter(Boolean);
      if (!previewUrl && !fileUrls.length && !notes.value.trim()) {
        mount(errorSlot, inlineError('Add a preview URL, a file link or notes.', 'version-new-error'));
        preview.focus();
        return;
      }
      if ((previewUrl && !safeUrl(previewUrl)) || fileUrls.some((u) => !safeUrl(u))) {
        mount(errorSlot, inlineError('Links must start with https://.', 'version-new-error'));
        return;
      }
      const restore = busy(submit, 'Uploading…');
      try {
        const updated = await ctx.api.post(`/api/approvals/${encodeURIComponent(id)}/versions`, { content: { previewUrl: previewUrl || null, fileUrls, notes: notes.value.trim() } }, { signal: ctx.signal });
        if (ctx.signal.aborted) return;
        if (updated && updated.id) item = { ...item, ...updated };
        toast(`Version ${next} uploaded.`, 'success');
        await reload(true);
      } catch (err) {
        if (ctx.signal.aborted) return;
        restore();
        mount(errorSlot, inlineError(err.message, 'version-new-error'));
      }
    });
    mount(slots.upload, h('div', { class: 'card-head' }, h('h2', { id: 'upload-title', class: 'section-title' }, 'Upload new version')), h('div', { class: 'card-body' }, form));
  }

  await load();
}

function timeAgoText(at) {
  const d = formatDate(at, '');
  return d ? `on ${d}` : '';
}
