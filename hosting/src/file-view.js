// How a portal file looks wherever it appears (the Files page, attachments of approvals
// and messages): its size, a thumbnail or a type glyph, and its preview (images, video
// and audio inline; a PDF in a frame of its own, served with frame-ancestors 'self').

import { html } from './html.js';
import { Icon } from './icons.js';
import { downloadUrl } from './transfer.js';

export const KIND_GLYPHS = { image: 'IMG', pdf: 'PDF', document: 'DOC', spreadsheet: 'XLS', presentation: 'PPT', video: 'VID', audio: 'AUD', archive: 'ZIP', design: 'DSN', other: 'FILE' };
export const KIND_LABELS = { image: 'Image', pdf: 'PDF', document: 'Document', spreadsheet: 'Spreadsheet', presentation: 'Presentation', video: 'Video', audio: 'Audio', archive: 'Archive', design: 'Design file', other: 'File' };

export function formatBytes(n) {
  const size = Number(n) || 0;
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** The file's thumbnail through the portal, or a glyph of its type (decorative: the name is next to it). */
export function FileIcon({ file }) {
  if (file.hasThumbnail && !file.removed) return html`<img class="file-thumb" src=${file.thumbnailUrl || `/api/files/${encodeURIComponent(file.id)}/thumbnail`} alt="" loading="lazy" data-testid="file-thumb" />`;
  return html`<span class="file-glyph" aria-hidden="true">${KIND_GLYPHS[file.kind] || KIND_GLYPHS.other}</span>`;
}

/** A file's preview: inline image, video, audio, or the PDF in a frame of its own. */
export function FilePreview({ file, onClose }) {
  const src = file.viewUrl || downloadUrl(file, { inline: true });
  let body;
  if (file.kind === 'image') body = html`<img class="file-preview-media" src=${src} alt=${file.name} data-testid="preview-image" />`;
  else if (file.kind === 'video') body = html`<video class="file-preview-media" src=${src} controls preload="metadata" data-testid="preview-video"></video>`;
  else if (file.kind === 'audio') body = html`<audio src=${src} controls preload="metadata" data-testid="preview-audio"></audio>`;
  else if (file.kind === 'pdf') body = html`<iframe class="file-preview-frame" src=${src} title=${file.name} data-testid="preview-pdf"></iframe>`;
  else body = html`<p class="muted">No preview for this type: download it instead.</p>`;
  return html`
    <section class="card file-preview" aria-label=${`Preview of ${file.name}`} data-testid="file-preview">
      <div class="card-body">
        <div class="file-preview-head">
          <h2 class="section-title">${file.name}</h2>
          <button type="button" class="btn btn-ghost btn-sm" aria-label="Close the preview" data-testid="preview-close" onClick=${onClose}><${Icon} name="close" /></button>
        </div>
        ${body}
      </div>
    </section>
  `;
}
