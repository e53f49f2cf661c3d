// Portal files attached to something (an approval's version, a message): the picker for a
// form, and the list that shows them with the Files page's previews.
//
//   <${AttachmentPicker} api=${ctx.api} orgId=${staff ? clientOrgId : null} projectId=${projectId}
//                        value=${files} onChange=${setFiles} />
//     → send `attachments: files.map((f) => f.id)` with the form.
//   <${AttachmentList} attachments=${entity.attachments} />
//     → what the API answers for them (portal.files.attachments.render_attachments).
//
// The picker lists the organisation's files (the Files API; those of another project are
// left out, the server refuses them) and uploads new ones through transfer.js with a
// progress bar each; the chosen files are listed with a button to take each off again.

import { useRef, useState } from 'preact/hooks';
import { FileIcon, FilePreview, KIND_LABELS, formatBytes } from './file-view.js';
import { html } from './html.js';
import { Icon } from './icons.js';
import { LoadMore, usePages } from './load.js';
import { downloadFile, uploadFile } from './transfer.js';
import { Button, InlineError, ProgressBar } from './ui.js';

/** The most files one version or message may carry (the API's limit). */
export const MAX_ATTACHMENTS = 20;

const describe = (file) => [KIND_LABELS[file.kind] || 'File', file.size != null ? formatBytes(file.size) : null].filter(Boolean).join(' · ');

/**
 * Choose portal files to attach. `orgId`: the client organisation (staff); null for a
 * client's own. `projectId`: only files of the organisation as a whole or of this project.
 * `value`: the chosen files (objects with at least `id` and `name`); `onChange(next)`.
 */
export function AttachmentPicker({ api, orgId, projectId = null, value = [], onChange, id = 'attach', label = 'Attach portal files (optional)', needsOrg = false }) {
  const [open, setOpen] = useState(false);
  const [uploads, setUploads] = useState([]);
  const [error, setError] = useState('');
  const input = useRef(null);
  const latest = useRef(value);
  latest.current = value;
  const ready = !needsOrg || Boolean(orgId);
  const files = usePages(
    (cursor, signal) => (ready && open ? api.get('/api/files', { query: { orgId: orgId || null, cursor, limit: 100 }, signal }) : Promise.resolve({ items: [], connected: true })),
    [orgId, ready, open],
  );
  const chosen = new Set(value.map((f) => f.id));
  const usable = ((files.data && files.data.items) || []).filter((f) => !f.projectId || !projectId || f.projectId === projectId);
  const connected = !(files.data && files.data.connected === false);
  const add = (file) => {
    setError('');
    if (chosen.has(file.id)) return;
    if (value.length >= MAX_ATTACHMENTS) {
      setError(`Attach at most ${MAX_ATTACHMENTS} files.`);
      return;
    }
    onChange([...value, file]);
  };
  const remove = (fileId) => onChange(value.filter((f) => f.id !== fileId));
  const toggle = (file, on) => (on ? add(file) : remove(file.id));
  const update = (key, patch) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const start = (list) => {
    const added = Array.from(list).map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, file, progress: 0, state: 'uploading', error: '' }));
    setUploads((current) => [...added, ...current.filter((u) => u.state !== 'done')]);
    let room = MAX_ATTACHMENTS - value.length;
    const done = [];
    for (const item of added) {
      if (room <= 0) {
        update(item.key, { state: 'failed', error: `Attach at most ${MAX_ATTACHMENTS} files.` });
        continue;
      }
      room -= 1;
      done.push(
        uploadFile(item.file, { orgId: orgId || null, projectId: projectId || null, onProgress: (p) => update(item.key, { progress: p * 100 }) }).then(
          (file) => {
            update(item.key, { state: 'done', progress: 100 });
            return file;
          },
          (err) => {
            update(item.key, { state: 'failed', error: err.message || 'The upload failed.' });
            return null;
          },
        ),
      );
    }
    Promise.all(done).then((uploaded) => {
      const fresh = uploaded.filter(Boolean);
      if (!fresh.length) return;
      const known = new Set(latest.current.map((f) => f.id));
      onChange([...latest.current, ...fresh.filter((f) => !known.has(f.id))]);
      if (open) files.reload();
    });
  };

  if (!ready) {
    return html`<fieldset class="field fieldset attach-picker" data-testid="attach-picker"><legend class="field-label">${label}</legend><p class="muted small">Choose a client first.</p></fieldset>`;
  }
  return html`
    <fieldset class="field fieldset attach-picker" data-testid="attach-picker">
      <legend class="field-label">${label}</legend>
      ${value.length
        ? html`<ul class="attach-chosen" aria-label="Attached files" data-testid="attach-chosen">
            ${value.map((f) => html`
              <li key=${f.id} class="attach-item" data-testid="attach-chosen-item" data-file-id=${f.id}>
                <${FileIcon} file=${f} />
                <span class="attach-text"><span class="file-name">${f.name}</span><span class="muted small">${describe(f)}</span></span>
                <button type="button" class="btn btn-ghost btn-sm" aria-label=${`Remove ${f.name}`} data-testid="attach-remove" onClick=${() => remove(f.id)}><${Icon} name="close" /></button>
              </li>`)}
          </ul>`
        : html`<p class="muted small">No files attached.</p>`}
      <div class="attach-actions">
        <button type="button" class="btn btn-secondary btn-sm" aria-expanded=${String(open)} aria-controls=${`${id}-files`} data-testid="attach-browse" onClick=${() => setOpen(!open)}>
          <${Icon} name="files" />${open ? 'Hide the portal’s files' : 'Choose from the portal’s files'}
        </button>
        ${connected
          ? html`<button type="button" class="btn btn-secondary btn-sm" data-testid="attach-upload" onClick=${() => input.current && input.current.click()}><${Icon} name="plus" />Upload new files</button>
              <input ref=${input} type="file" multiple class="visually-hidden" tabindex="-1" aria-label="Files to upload and attach" data-testid="attach-input"
                     onChange=${(e) => { start(e.currentTarget.files); e.currentTarget.value = ''; }} />`
          : null}
      </div>
      <div class="error-slot" aria-live="polite"><${InlineError} message=${error} testid="attach-error" /></div>
      ${uploads.length
        ? html`<ul class="upload-list" data-testid="attach-uploads">
            ${uploads.map((u) => html`
              <li key=${u.key} class="upload-item" data-testid="attach-upload-item" data-state=${u.state}>
                <span class="upload-name">${u.file.name}</span>
                ${u.state === 'failed'
                  ? html`<${InlineError} message=${u.error} testid="attach-upload-error" />`
                  : html`<${ProgressBar} value=${u.progress} label=${`Uploading ${u.file.name}`} testid="attach-upload-progress" />`}
              </li>`)}
          </ul>`
        : null}
      ${open
        ? html`<div id=${`${id}-files`} class="attach-browser" data-testid="attach-browser">
            ${files.error
              ? html`<${InlineError} message=${files.error.message} testid="attach-list-error" />`
              : !files.data || (files.loading && !usable.length)
                ? html`<p class="muted small" role="status">Loading files…</p>`
                : !connected
                  ? html`<p class="muted small" data-testid="attach-not-connected">Google Drive is not connected: there are no portal files to attach.</p>`
                  : usable.length
                    ? html`<ul class="attach-options" aria-label="Files you can attach">
                        ${usable.map((f) => html`
                          <li key=${f.id}>
                            <label class="check attach-option" data-testid="attach-option" data-file-id=${f.id}>
                              <input type="checkbox" checked=${chosen.has(f.id)} onChange=${(e) => toggle(f, e.currentTarget.checked)} />
                              <${FileIcon} file=${f} />
                              <span class="attach-text"><span class="file-name">${f.name}</span><span class="muted small">${describe(f)}</span></span>
                            </label>
                          </li>`)}
                      </ul>
                      <${LoadMore} pages=${files} testid="attach-more" />`
                    : html`<p class="muted small">No files here yet: upload one.</p>`}
          </div>`
        : null}
    </fieldset>
  `;
}

function AttachmentRow({ file, onPreview }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [progress, setProgress] = useState(null);
  if (file.removed) {
    return html`
      <li class="attach-item is-removed" data-testid="attachment" data-file-id=${file.id} data-removed="true">
        <span class="file-glyph" aria-hidden="true"><${Icon} name="trash" /></span>
        <span class="attach-text"><span class="file-name">${file.name || 'A file'}</span><span class="muted small">Removed from the portal’s files</span></span>
        <span class="badge badge-muted">Removed</span>
      </li>`;
  }
  const download = async () => {
    setBusy(true);
    setError('');
    try {
      await downloadFile(file, { onProgress: (p) => setProgress(p < 1 ? p * 100 : null) });
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };
  return html`
    <li class="attach-item" data-testid="attachment" data-file-id=${file.id} data-removed="false">
      <${FileIcon} file=${file} />
      <span class="attach-text">
        <span class="file-name" data-testid="attachment-name">${file.name}</span>
        <span class="muted small">${describe(file)}</span>
        <${InlineError} message=${error} testid="attachment-error" />
        ${progress !== null ? html`<${ProgressBar} value=${progress} label=${`Downloading ${file.name}`} testid="attachment-download-progress" />` : null}
      </span>
      <span class="file-actions">
        ${file.inline ? html`<button type="button" class="btn btn-ghost btn-sm" aria-label=${`Preview ${file.name}`} data-testid="attachment-preview" onClick=${() => onPreview(file)}>Preview</button>` : null}
        <${Button} class="btn btn-secondary btn-sm" busy=${busy} busyLabel="Downloading…" aria-label=${`Download ${file.name}`} data-testid="attachment-download" onClick=${download}>Download<//>
      </span>
    </li>`;
}

/**
 * Attached files as the API answers them: thumbnail or type glyph, name, type and size,
 * Preview (images, PDF, video, audio, as on the Files page) and Download; a file deleted
 * since shows as removed. Nothing when there are none.
 */
export function AttachmentList({ attachments, title = 'Attached files', headingLevel = 3, testid = 'attachments' }) {
  const [preview, setPreview] = useState(null);
  const list = attachments || [];
  if (!list.length) return null;
  const heading = headingLevel === 2 ? html`<h2 class="viewer-sub">${title}</h2>` : headingLevel === 4 ? html`<h4 class="viewer-sub">${title}</h4>` : html`<h3 class="viewer-sub">${title}</h3>`;
  const shown = preview && list.find((f) => f.id === preview.id && !f.removed);
  return html`
    <div class="attachments" data-testid=${testid}>
      ${heading}
      <ul class="attach-chosen" aria-label=${title}>
        ${list.map((f, i) => html`<${AttachmentRow} key=${`${f.id}-${i}`} file=${f} onPreview=${setPreview} />`)}
      </ul>
      ${shown ? html`<${FilePreview} key=${shown.id} file=${shown} onClose=${() => setPreview(null)} />` : null}
    </div>
  `;
}
