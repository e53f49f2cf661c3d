// Files (/files, /files?project=id): the organisation's files on Google Drive by folder
// (all, then each project), with type icons, size, uploader and date; uploads (several
// at once, drag and drop, a progress bar each, resumed after an interruption); previews
// (thumbnails; images, video and audio inline; a PDF in a frame of its own); download;
// delete (the API's canDelete) and move between projects ("files.manage").

import { useRef, useState } from 'preact/hooks';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Icon } from '../icons.js';
import { Load, LoadMore, usePages, useResource } from '../load.js';
import { can } from '../state.js';
import { FileIcon, FilePreview, KIND_LABELS, formatBytes } from '../file-view.js';
import { downloadFile, uploadFile } from '../transfer.js';
import { Button, EmptyState, InlineError, PageHeader, ProgressBar, TimeAgo, toast } from '../ui.js';

export { FilePreview, formatBytes };

function Uploads({ ctx, orgId, projectId, onDone, maxBytes }) {
  const [items, setItems] = useState([]);
  const [over, setOver] = useState(false);
  const input = useRef(null);
  const update = (id, patch) => setItems((list) => list.map((it) => (it.id === id ? { ...it, ...patch } : it)));
  const start = (files) => {
    const added = Array.from(files).map((file, i) => ({ id: `${Date.now()}-${i}-${file.name}`, file, progress: 0, state: 'uploading', error: '' }));
    setItems((list) => [...added, ...list.filter((it) => it.state !== 'done')]);
    for (const item of added) {
      if (item.file.size > maxBytes) {
        update(item.id, { state: 'failed', error: `Too large: the limit is ${formatBytes(maxBytes)}.` });
        continue;
      }
      uploadFile(item.file, { orgId: ctx.isStaff ? orgId : null, projectId, onProgress: (p) => update(item.id, { progress: p * 100 }) }).then(
        () => {
          update(item.id, { state: 'done', progress: 100 });
          onDone();
        },
        (err) => update(item.id, { state: 'failed', error: err.message || 'The upload failed.' }),
      );
    }
  };
  const drop = (e) => {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer && e.dataTransfer.files.length) start(e.dataTransfer.files);
  };
  return html`
    <section class="card">
      <div class="card-body">
        <div class=${`dropzone${over ? ' is-over' : ''}`} data-testid="file-dropzone"
             onDragOver=${(e) => { e.preventDefault(); setOver(true); }} onDragLeave=${() => setOver(false)} onDrop=${drop}>
          <${Icon} name="files" />
          <p>Drag files here, or <button type="button" class="link-button" data-testid="file-choose" onClick=${() => input.current && input.current.click()}>choose files</button>.</p>
          <p class="muted small">Images, PDF, office documents, video, audio, archives and design files, up to ${formatBytes(maxBytes)} each.</p>
          <input ref=${input} type="file" multiple class="visually-hidden" data-testid="file-input" aria-label="Files to upload"
                 onChange=${(e) => { start(e.currentTarget.files); e.currentTarget.value = ''; }} />
        </div>
        ${items.length
          ? html`<ul class="upload-list" data-testid="upload-list">
              ${items.map((it) => html`
                <li key=${it.id} class="upload-item" data-testid="upload-item" data-state=${it.state}>
                  <span class="upload-name">${it.file.name}</span>
                  ${it.state === 'failed'
                    ? html`<${InlineError} message=${it.error} testid="upload-error" />`
                    : html`<${ProgressBar} value=${it.progress} label=${`Uploading ${it.file.name}`} testid="upload-progress" />`}
                </li>`)}
            </ul>`
          : null}
      </div>
    </section>
  `;
}

function FileRow({ api, file, projects, onPreview, onChanged, showProject }) {
  const { busy, error, run } = useSubmit();
  const [progress, setProgress] = useState(null);
  const previewable = file.inline;
  const download = () =>
    run(async () => {
      try {
        await downloadFile(file, { onProgress: (p) => setProgress(p < 1 ? p * 100 : null) });
      } finally {
        setProgress(null);
      }
    }, 'download');
  // A delete or a move stays busy after it worked: the list is fetched again.
  const remove = () => {
    if (!confirm(`Delete “${file.name}”? It moves to the Drive trash.`)) return;
    run(
      async () => {
        await api.del(`/api/files/${encodeURIComponent(file.id)}`);
        toast(`Deleted ${file.name}`);
        onChanged();
      },
      'delete',
      true,
    );
  };
  const move = (e) => {
    const projectId = e.currentTarget.value || null;
    run(
      async () => {
        await api.patch(`/api/files/${encodeURIComponent(file.id)}`, { projectId });
        toast(`Moved ${file.name}`);
        onChanged();
      },
      'move',
      true,
    );
  };
  const project = projects.find((p) => p.id === file.projectId);
  return html`
    <tr data-testid="file-row" data-file-id=${file.id}>
      <td class="file-name-cell">
        <${FileIcon} file=${file} />
        <span>
          <span class="file-name" data-testid="file-name">${file.name}</span>
          <span class="muted small">${KIND_LABELS[file.kind] || 'File'}${showProject ? ` · ${project ? project.name : 'General'}` : ''}</span>
          <${InlineError} message=${error} testid="file-error" />
          ${progress !== null ? html`<${ProgressBar} value=${progress} label="Downloading" testid="download-progress" />` : null}
        </span>
      </td>
      <td class="nowrap" data-testid="file-size">${formatBytes(file.size)}</td>
      <td class="hide-narrow">${file.uploadedBy ? file.uploadedBy.email : html`<span class="muted">In Drive</span>`}</td>
      <td class="nowrap hide-narrow"><${TimeAgo} value=${file.modifiedAt || file.createdAt} /></td>
      <td class="file-actions">
        ${previewable ? html`<button type="button" class="btn btn-ghost btn-sm" data-testid="file-preview-button" onClick=${() => onPreview(file)}>Preview</button>` : null}
        <${Button} class="btn btn-secondary btn-sm" busy=${busy === 'download'} busyLabel="Downloading…" data-testid="file-download" onClick=${download}>Download<//>
        ${can('files.manage')
          ? html`<select class="select select-sm" aria-label=${`Move ${file.name}`} data-testid="file-move" disabled=${Boolean(busy)} value=${file.projectId || ''} onChange=${move}>
              <option value="">General</option>
              ${projects.map((p) => html`<option key=${p.id} value=${p.id}>${p.name}</option>`)}
            </select>`
          : null}
        ${file.canDelete ? html`<${Button} class="btn btn-danger-ghost btn-sm" busy=${busy === 'delete'} busyLabel="Deleting…" data-testid="file-delete" onClick=${remove}><${Icon} name="trash" /><span class="visually-hidden">Delete</span><//>` : null}
      </td>
    </tr>
  `;
}

export default function FilesPage(ctx) {
  const orgId = ctx.isStaff ? ctx.orgId : ctx.user.orgId;
  const projectId = ctx.query.get('project') || null;
  const [preview, setPreview] = useState(null);
  const projects = useResource(orgId ? (signal) => ctx.api.get('/api/projects', { query: { orgId: ctx.isStaff ? orgId : null, limit: 100 }, signal }) : null, [orgId]);
  const files = usePages(
    (cursor, signal) => (orgId ? ctx.api.get('/api/files', { query: { orgId: ctx.isStaff ? orgId : null, projectId, cursor }, signal }) : Promise.resolve({ items: [], connected: true })),
    [orgId, projectId],
  );
  const projectList = (projects.data && projects.data.items) || [];
  const current = projectList.find((p) => p.id === projectId);
  const choose = (id) => ctx.navigate(id ? `/files?project=${encodeURIComponent(id)}` : '/files');
  if (!orgId) {
    return html`
      <${PageHeader} title="Files" subtitle="Choose a client to see their files." />
      <div class="card"><div class="card-body">
        <${EmptyState} title="Which client?" text="Files belong to a client organisation." icon="files">
          <select class="select" data-testid="files-org" aria-label="Client" onChange=${(e) => e.currentTarget.value && ctx.selectOrg(e.currentTarget.value, '/files')}>
            <option value="">Choose a client…</option>
            ${ctx.orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
          </select>
        <//>
      </div></div>`;
  }
  const subtitle = current ? `${current.name}${ctx.org ? ` · ${ctx.org.name}` : ''}` : ctx.org ? `${ctx.org.name}: every project` : 'Every project';
  return html`
    <${PageHeader} title="Files" subtitle=${subtitle} />
    <div class="files-layout">
      <nav class="card folder-list" aria-label="Folders" data-testid="folders">
        <div class="card-body">
          <button type="button" class=${`folder${projectId ? '' : ' is-current'}`} aria-current=${projectId ? undefined : 'true'} data-testid="folder-all" onClick=${() => choose(null)}>
            <${Icon} name="files" /> ${ctx.org ? ctx.org.name : 'All files'}
          </button>
          ${projectList.map((p) => html`
            <button key=${p.id} type="button" class=${`folder folder-child${p.id === projectId ? ' is-current' : ''}`} aria-current=${p.id === projectId ? 'true' : undefined} data-testid="folder-project" data-project-id=${p.id} onClick=${() => choose(p.id)}>
              <${Icon} name="projects" /> ${p.name}
            </button>`)}
        </div>
      </nav>
      <div class="files-main">
        <${Load} resource=${files} skeleton=${{ kind: 'rows', count: 5, label: 'Loading files…' }} errorTitle="Could not load the files">
          ${(data) => html`
            ${data.connected === false
              ? html`<div class="card notice" data-testid="drive-not-connected"><div class="card-body">
                  <${EmptyState} title="Google Drive is not connected" text="Files will appear here once the agency connects its Google Drive. Everything else in the portal works as usual." icon="lock" />
                </div></div>`
              : html`<${Uploads} ctx=${ctx} orgId=${orgId} projectId=${projectId} maxBytes=${data.maxBytes || 2 * 1024 ** 3} onDone=${files.reload} />`}
            ${preview ? html`<${FilePreview} file=${preview} onClose=${() => setPreview(null)} />` : null}
            <section class="card">
              <div class="card-body">
                ${data.items.length
                  ? html`<table class="table files-table" data-testid="files-table">
                      <thead><tr><th>Name</th><th>Size</th><th class="hide-narrow">Uploaded by</th><th class="hide-narrow">Date</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
                      <tbody>${data.items.map((f) => html`<${FileRow} key=${f.id} api=${ctx.api} file=${f} projects=${projectList} showProject=${!projectId} onPreview=${setPreview} onChanged=${files.reload} />`)}</tbody>
                    </table>
                    <${LoadMore} pages=${files} testid="files-more" />`
                  : html`<${EmptyState} title="No files here yet" text=${data.connected === false ? 'Nothing has been shared yet.' : 'Upload the first one above.'} icon="files" />`}
              </div>
            </section>
          `}
        <//>
      </div>
    </div>
  `;
}
