// One approval (/approvals/{id}): the work for the selected version (image, video,
// audio inline; anything else as notes plus an "Open preview" link — a framed
// preview would live under /embed/, see hosting/README.md), the feedback thread per
// version, the decision buttons when the API says this user may decide the item
// (`canDecide`), the decision history, and ("approvals.submit") a new version.

import { useEffect, useRef, useState } from 'preact/hooks';
import { ApprovalBadge, DECIDE_REASON, DueChip, personName } from '../approval-bits.js';
import { APPROVAL_STATUS_LABELS, CONTENT_TYPE_LABELS, PORTAL_NAME, ROLE_LABELS } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { useLive } from '../live.js';
import { Load, lazy, useResource } from '../load.js';
import { can, displayName } from '../state.js';
import { Button, EmptyState, ErrorState, ExternalLink, Field, InlineError, PageHeader, TimeAgo, formatDate, formatDateTime, safeUrl, toast } from '../ui.js';

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

function timeAgoText(at) {
  const d = formatDate(at, '');
  return d ? `on ${d}` : '';
}

// Portal files' code loads only for a version that has some, or for the upload form.
const AttachmentList = lazy(() => import('../attachments.js'), 'AttachmentList');
const AttachmentPicker = lazy(() => import('../attachments.js'), 'AttachmentPicker');

const urlsOf = (text) => text.split(/\s+/).map((s) => s.trim()).filter(Boolean);

/** People's names by email: the API may give only emails for authors and deciders. */
function useNames(ctx, item) {
  const [names, setNames] = useState(() => new Map([[String(ctx.user.email || '').toLowerCase(), displayName(ctx.user)]]));
  useEffect(() => {
    const controller = new AbortController();
    const orgs = [item.orgId];
    if (ctx.isStaff && ctx.user.orgId) orgs.push(ctx.user.orgId);
    Promise.allSettled(orgs.filter(Boolean).map((o) => ctx.api.get('/api/members', { query: { orgId: o }, signal: controller.signal }))).then((results) => {
      if (controller.signal.aborted) return;
      setNames((prev) => {
        const next = new Map(prev);
        for (const r of results) {
          if (r.status !== 'fulfilled') continue;
          for (const m of r.value.items || []) {
            const n = displayName(m);
            if (m.email && n && n !== m.email) next.set(m.email.toLowerCase(), n);
          }
        }
        return next;
      });
    });
    return () => controller.abort();
  }, [item.id]);
  const assigneeNames = new Map((item.assignees || []).filter((a) => a.email && a.name).map((a) => [a.email.toLowerCase(), a.name]));
  return (p) => {
    if (!p) return 'Someone';
    if (p.name) return p.name;
    const key = p.email && String(p.email).toLowerCase();
    return (key && (names.get(key) || assigneeNames.get(key))) || p.email || 'Someone';
  };
}

function Facts({ item, current, nameOf }) {
  const assignees = item.assignees || [];
  const projectHref = item.projectId ? `/projects/${encodeURIComponent(item.projectId)}` : null;
  return html`
    <section class="card approval-facts" aria-label="Details">
      <dl class="facts">
        <div class="facts-wide"><dt>Project</dt><dd>${projectHref ? html`<a href=${projectHref} class="link" data-testid="approval-project">${item.projectName || item.projectId}</a>` : '—'}</dd></div>
        <div><dt>Due</dt><dd><${DueChip} item=${item} testid="approval-due" /></dd></div>
        <div><dt>Version</dt><dd>${current}</dd></div>
        <div class="facts-wide">
          <dt>Who decides</dt>
          <dd data-testid="approval-assignees">${assignees.length ? html`<ul class="team-list">${assignees.map((a) => html`<li key=${a.email}>${a.name && a.name !== a.email ? `${a.name} (${a.email})` : a.email}</li>`)}</ul>` : 'The client owner (nobody else assigned)'}</dd>
        </div>
        <div class="facts-wide"><dt>Submitted</dt><dd>${formatDateTime(item.submittedAt)}${item.submittedBy ? ` by ${nameOf(item.submittedBy)}` : ''}</dd></div>
        ${item.decidedAt ? html`<div class="facts-wide"><dt>Decided</dt><dd>${formatDateTime(item.decidedAt)}</dd></div>` : null}
      </dl>
      ${item.description ? html`<p class="approval-description" data-testid="approval-description">${item.description}</p>` : null}
    </section>
  `;
}

function Media({ kind, url, alt }) {
  const [broken, setBroken] = useState(false);
  if (kind === 'image') {
    if (broken) return html`<p class="viewer-broken" data-testid="approval-viewer-broken"><${Icon} name="alert" />The image could not be loaded here. Try “Open preview”.</p>`;
    return html`<img src=${url} alt=${alt} class="viewer-image" referrerpolicy="no-referrer" onError=${() => setBroken(true)} />`;
  }
  if (kind === 'video') return html`<video src=${url} controls preload="metadata" class="viewer-media">Your browser cannot play this video. Use “Open preview”.</video>`;
  if (kind === 'audio') return html`<audio src=${url} controls preload="metadata" class="viewer-audio">Your browser cannot play this audio. Use “Open preview”.</audio>`;
  return null;
}

function Viewer({ item, versions, selected, current, onSelect }) {
  const v = versions.find((x) => x.number === selected) || null;
  const content = (v && v.content) || {};
  const url = safeUrl(content.previewUrl);
  const kind = viewerKind(item.contentType, content.previewUrl);
  const files = (content.fileUrls || []).map(safeUrl).filter(Boolean);
  const attached = content.attachments || [];
  return html`
    <section class="card approval-viewer-card" aria-labelledby="viewer-title">
      <div class="card-head viewer-head">
        <h2 id="viewer-title" class="section-title">The work${selected !== current ? html`<span class="badge badge-muted viewer-old">Earlier version</span>` : null}</h2>
        <div class="filter version-filter">
          <label for="version-select" class="field-label">Showing</label>
          <select id="version-select" class="select" data-testid="version-select" value=${String(selected)} disabled=${versions.length < 2} onChange=${(e) => onSelect(Number(e.currentTarget.value))}>
            ${versions.map((x) => html`<option key=${x.number} value=${String(x.number)}>Version ${x.number}</option>`)}
          </select>
        </div>
      </div>
      <div class="card-body">
        <div class=${`viewer is-${kind}${kind === 'none' && !content.notes && attached.length ? ' is-empty' : ''}`} data-testid="approval-viewer" data-kind=${kind} data-version=${String(selected)}>
          <${Media} key=${`${selected}:${url}`} kind=${kind} url=${url} alt=${`${item.title} — version ${selected}`} />
          ${kind === 'link'
            ? html`<div class="viewer-link">
                <span class="viewer-link-icon" aria-hidden="true"><${Icon} name="files" /></span>
                <p>This preview opens in a new tab.</p>
                <${ExternalLink} href=${url} class="btn btn-primary" data-testid="approval-open-preview">Open preview<//>
              </div>`
            : null}
          ${kind === 'none' && !content.notes && !attached.length ? html`<p class="muted viewer-empty">No preview for this version. See the notes and files below.</p>` : null}
          ${content.notes ? html`<div class="viewer-notes" data-testid="approval-notes"><h3 class="viewer-sub">Notes</h3><p class="notes-text">${content.notes}</p></div>` : null}
        </div>
        ${(kind === 'image' || kind === 'video' || kind === 'audio') && url ? html`<p class="small"><${ExternalLink} href=${url} class="link" data-testid="approval-open-preview">Open preview in a new tab<//></p>` : null}
        ${files.length
          ? html`<div class="viewer-files"><h3 class="viewer-sub">Files</h3><ul class="file-links">${files.map((f) => html`<li key=${f}><${ExternalLink} href=${f} class="link" data-testid="approval-file">${fileName(f)}<//></li>`)}</ul></div>`
          : null}
        ${attached.length ? html`<${AttachmentList} key=${selected} attachments=${attached} testid="approval-attachments" />` : null}
        ${v ? html`<p class="muted small">Version ${v.number} · submitted ${formatDateTime(v.submittedAt)}${v.submittedBy && (v.submittedBy.email || v.submittedBy.name) ? ` by ${personName(v.submittedBy)}` : ''}</p>` : null}
      </div>
    </section>
  `;
}

function Decide({ ctx, item, selected, current, nameOf, onShowCurrent, onDecided, onConflict }) {
  const [comment, setComment] = useState('');
  const field = useRef(null);
  const form = useSubmit({
    onError: (err) => {
      if (err.status === 409) {
        toast(err.message, 'error');
        onConflict();
      }
    },
  });
  const head = html`<div class="card-head"><h2 id="decide-title" class="section-title">Decision</h2></div>`;
  let body;
  if (item.status !== 'pending') {
    const decided = (item.decisions || []).filter((d) => d.version === current);
    const last = decided[decided.length - 1];
    body = html`
      <div class="decided-line"><${ApprovalBadge} status=${item.status} /><span>${last ? `${decisionSentence(last, nameOf)} ${timeAgoText(last.at)}.` : `${APPROVAL_STATUS_LABELS[item.status] || item.status}.`}</span></div>
      ${item.status === 'revision_requested' ? html`<p class="muted small">${can('approvals.submit') ? 'Upload a new version below when the changes are ready.' : 'The agency will upload a new version for you to review.'}</p>` : null}
    `;
  } else if (!item.canDecide) {
    body = html`<p class="alert alert-info" data-testid="decision-not-allowed"><${Icon} name="lock" /><span>${DECIDE_REASON}.</span></p><p class="muted small">You can still leave feedback in the thread.</p>`;
  } else if (selected !== current) {
    body = html`<p class="muted">Decisions are made on the latest version (version ${current}).</p><button type="button" class="btn btn-secondary btn-sm" onClick=${onShowCurrent}>Show version ${current}</button>`;
  } else {
    const decide = async (a) => {
      const text = comment.trim();
      if (a.needsComment && !text) return form.invalid(`Add a comment saying why, to ${a.label.toLowerCase()}.`, field);
      // Busy stays on success: the decided item replaces the buttons.
      await form.run(
        async () => {
          const updated = await ctx.api.post(`/api/approvals/${encodeURIComponent(item.id)}/action`, { action: a.action, comment: text, version: current });
          toast(DONE_MESSAGES[a.action], 'success');
          onDecided(updated);
        },
        a.action,
        true,
      );
    };
    body = html`
      <p class="muted small">Deciding on version ${current}. A comment is required to request changes or reject.</p>
      <${Field} id="decision-comment" label="Comment">
        <textarea ref=${field} id="decision-comment" class="input textarea" rows="3" maxlength="5000" placeholder="Why? What should change?" aria-invalid=${form.error && !comment.trim() ? 'true' : undefined} value=${comment} onInput=${(e) => setComment(e.currentTarget.value)} data-testid="decision-comment"></textarea>
      <//>
      <div class="error-slot" aria-live="polite"><${InlineError} message=${form.error} testid="decision-error" /></div>
      <div class="decision-buttons">
        ${ACTIONS.map((a) => html`<${Button} key=${a.action} class=${`btn ${a.cls}`} busy=${form.busy === a.action} busyLabel="Saving…" disabled=${Boolean(form.busy)} data-testid=${`decision-${a.action}`} onClick=${() => decide(a)}><${Icon} name=${a.icon} />${a.label}<//>`)}
      </div>
    `;
  }
  return html`<section class="card decide-card" aria-labelledby="decide-title" data-testid="decision-panel">${head}<div class="card-body">${body}</div></section>`;
}

function Thread({ ctx, item, selected, nameOf, onPosted }) {
  const [text, setText] = useState('');
  const field = useRef(null);
  const form = useSubmit();
  const comments = (item.comments || []).filter((c) => c.version === selected);
  const submit = async (e) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return form.invalid('Write something first.', field);
    await form.run(async () => {
      const res = await ctx.api.post(`/api/approvals/${encodeURIComponent(item.id)}/comments`, { body, version: selected });
      setText('');
      onPosted(selected, (res && res.comment) || null);
      field.current.focus();
    });
  };
  return html`
    <section class="card" aria-labelledby="thread-title">
      <div class="card-head"><h2 id="thread-title" class="section-title">Feedback on version ${selected}</h2></div>
      <div class="card-body">
        ${comments.length
          ? html`<ol class="comments" aria-label=${`Comments on version ${selected}`}>
              ${comments.map((c, i) => {
                const staff = c.author && String(c.author.role || '').startsWith('aj_');
                return html`
                  <li key=${c.id || i} class=${`comment${staff ? ' is-staff' : ''}`} data-testid="comment">
                    <div class="comment-head">
                      <span class="comment-author">${nameOf(c.author)}</span>
                      ${c.author && c.author.role ? html`<span class="muted small">${staff ? 'Agency' : ROLE_LABELS[c.author.role] || c.author.role}</span>` : null}
                      <${TimeAgo} value=${c.createdAt} />
                    </div>
                    <p class="comment-body">${c.body}</p>
                  </li>
                `;
              })}
            </ol>`
          : html`<p class="muted">No feedback on this version yet.</p>`}
        <form class="comment-form" novalidate onSubmit=${submit}>
          <label for="comment-body" class="field-label">Add feedback</label>
          <textarea ref=${field} id="comment-body" class="input textarea" rows="3" maxlength="5000" placeholder=${`Feedback on version ${selected}…`} value=${text} onInput=${(e) => setText(e.currentTarget.value)} data-testid="comment-body"></textarea>
          <div class="error-slot"><${InlineError} message=${form.error} testid="comment-error" /></div>
          <div class="form-actions"><${Button} type="submit" class="btn btn-secondary" busy=${form.busy} busyLabel="Posting…" data-testid="comment-submit"><${Icon} name="messages" />Post comment<//></div>
        </form>
      </div>
    </section>
  `;
}

function History({ item, nameOf }) {
  const decisions = (item.decisions || []).slice().sort((a, b) => String(b.at || '').localeCompare(String(a.at || '')));
  return html`
    <section class="card" aria-labelledby="history-title">
      <div class="card-head"><h2 id="history-title" class="section-title">Decision history</h2></div>
      <div class="card-body">
        ${decisions.length
          ? html`<ol class="timeline" data-testid="decision-history">
              ${decisions.map(
                (d, i) => html`
                  <li key=${i} class=${`timeline-item decision-${d.action}`} data-testid="decision-row" data-action=${d.action} data-version=${String(d.version)}>
                    <span class="timeline-dot" aria-hidden="true"></span>
                    <div class="timeline-body"><span class="timeline-text"><strong>${decisionSentence(d, nameOf)}</strong> · <time datetime=${d.at || ''} title=${formatDateTime(d.at)}>${formatDate(d.at)}</time>${d.comment ? ` · ${d.comment}` : ''}</span></div>
                  </li>
                `,
              )}
            </ol>`
          : html`<p class="muted">No decisions yet.</p>`}
      </div>
    </section>
  `;
}

function Upload({ ctx, item, current, onUploaded }) {
  const [f, setF] = useState({ preview: '', files: '', notes: '' });
  const [attached, setAttached] = useState([]);
  const preview = useRef(null);
  const form = useSubmit();
  const set = (name) => (e) => setF({ ...f, [name]: e.currentTarget.value });
  const next = current + 1;
  const submit = async (e) => {
    e.preventDefault();
    const previewUrl = f.preview.trim();
    const fileUrls = urlsOf(f.files);
    if (!previewUrl && !fileUrls.length && !f.notes.trim() && !attached.length) return form.invalid('Add a preview URL, a file, a file link or notes.', preview);
    if ((previewUrl && !safeUrl(previewUrl)) || fileUrls.some((u) => !safeUrl(u))) return form.invalid('Links must start with https://.');
    await form.run(async () => {
      const updated = await ctx.api.post(`/api/approvals/${encodeURIComponent(item.id)}/versions`, { content: { previewUrl: previewUrl || null, fileUrls, notes: f.notes.trim(), attachments: attached.map((a) => a.id) } });
      toast(`Version ${next} uploaded.`, 'success');
      setF({ preview: '', files: '', notes: '' });
      setAttached([]);
      await onUploaded(updated);
    });
  };
  return html`
    <section class="card" aria-labelledby="upload-title">
      <div class="card-head"><h2 id="upload-title" class="section-title">Upload new version</h2></div>
      <div class="card-body">
        <form class="form" novalidate onSubmit=${submit}>
          <p class="muted small">Becomes version ${next} and sets the approval back to pending.</p>
          <div class="error-slot"><${InlineError} message=${form.error} testid="version-new-error" /></div>
          <${Field} id="version-new-preview" label="Preview URL"><input ref=${preview} id="version-new-preview" class="input" type="url" inputmode="url" autocomplete="off" placeholder="https://…" value=${f.preview} onInput=${set('preview')} data-testid="version-new-preview" /><//>
          <${AttachmentPicker} api=${ctx.api} orgId=${item.orgId} projectId=${item.projectId} value=${attached} onChange=${setAttached} id="version-attach" label="Portal files (optional)" />
          <${Field} id="version-new-files" label="File links (optional)"><textarea id="version-new-files" class="input textarea" rows="2" placeholder="One https:// link per line" value=${f.files} onInput=${set('files')} data-testid="version-new-files"></textarea><//>
          <${Field} id="version-new-notes" label="Notes"><textarea id="version-new-notes" class="input textarea" rows="3" maxlength="20000" placeholder="What changed in this version?" value=${f.notes} onInput=${set('notes')} data-testid="version-new-notes"></textarea><//>
          <${Button} type="submit" class="btn btn-primary" busy=${form.busy} busyLabel="Uploading…" data-testid="version-new-submit"><${Icon} name="plus" />Upload new version<//>
        </form>
      </div>
    </section>
  `;
}

function ApprovalView({ ctx, resource }) {
  const item = resource.data;
  const versions = (item.versions || []).slice().sort((a, b) => a.number - b.number);
  const current = item.currentVersion || (versions.length ? versions[versions.length - 1].number : 1);
  const [selected, setSelected] = useState(current);
  const nameOf = useNames(ctx, item);
  useEffect(() => {
    document.title = `${item.title || 'Approval'} · ${PORTAL_NAME}`;
  }, [item.title]);
  // A version that no longer exists falls back to the current one.
  const shown = versions.some((v) => v.number === selected) ? selected : current;

  /** Fetch again (after a change or a conflict); `toCurrent` shows the latest version. */
  const refetch = async (toCurrent) => {
    try {
      const fresh = await ctx.api.get(`/api/approvals/${encodeURIComponent(item.id)}`);
      resource.setData(fresh);
      if (toCurrent) setSelected(fresh.currentVersion || current);
    } catch (err) {
      toast(`Could not refresh: ${err.message}`, 'error');
    }
  };
  const merge = (updated) => {
    if (updated && typeof updated === 'object' && updated.id) resource.setData((d) => ({ ...d, ...updated }));
  };
  const onPosted = (version, comment) => {
    if (comment) resource.setData((d) => ({ ...d, comments: [...(d.comments || []), { version, ...comment }] }));
    else refetch(false);
  };

  const subtitle = html`
    <${ApprovalBadge} status=${item.status} testid="approval-status" />
    <span class="muted">${CONTENT_TYPE_LABELS[item.contentType] || item.contentType || ''}</span>
    ${ctx.isStaff && item.orgName ? html`<span class="muted">· ${item.orgName}</span>` : null}
  `;
  return html`
    <${PageHeader} title=${item.title || 'Untitled'} subtitle=${subtitle} subtitleClass="project-subtitle" />
    <div class="approval-grid">
      <div class="approval-main">
        <${Viewer} item=${item} versions=${versions} selected=${shown} current=${current} onSelect=${setSelected} />
        <${Thread} key=${shown} ctx=${ctx} item=${item} selected=${shown} nameOf=${nameOf} onPosted=${onPosted} />
      </div>
      <div class="approval-side">
        <${Decide}
          key=${`${item.status}:${current}`}
          ctx=${ctx}
          item=${item}
          selected=${shown}
          current=${current}
          nameOf=${nameOf}
          onShowCurrent=${() => setSelected(current)}
          onDecided=${(updated) => {
            merge(updated);
            refetch(true);
          }}
          onConflict=${() => refetch(true)}
        />
        <${Facts} item=${item} current=${current} nameOf=${nameOf} />
        <${History} item=${item} nameOf=${nameOf} />
        ${can('approvals.submit')
          ? html`<${Upload} ctx=${ctx} item=${item} current=${current} onUploaded=${(updated) => {
              merge(updated);
              return refetch(true);
            }} />`
          : null}
      </div>
    </div>
  `;
}

export default function ApprovalPage(ctx) {
  const id = ctx.params.id;
  const item = useResource((signal) => ctx.api.get(`/api/approvals/${encodeURIComponent(id)}`, { signal }), [id]);
  useLive('approvals', item.reload);
  return html`
    <a href="/approvals" class="back-link"><${Icon} name="back" />All approvals</a>
    <div class="page-body">
      <${Load}
        resource=${item}
        skeleton=${{ kind: 'cards', count: 2, label: 'Loading the approval…' }}
        onError=${(err) => {
          if (err.status === 404 || err.status === 403) {
            document.title = `Approval not found · ${PORTAL_NAME}`;
            return html`
              <${PageHeader} title="Approval not found" />
              <div class="card" data-testid="approval-not-found">
                <${EmptyState} title="We couldn’t find this approval" text="It may have been removed, or the link may be wrong." icon="approvals">
                  <a href="/approvals" class="btn btn-primary">See all approvals</a>
                <//>
              </div>
            `;
          }
          return html`<${PageHeader} title="Approval" /><${ErrorState} error=${err} onRetry=${item.reload} title="Could not load the approval" />`;
        }}
      >
        ${() => html`<${ApprovalView} ctx=${ctx} resource=${item} />`}
      <//>
    </div>
  `;
}
