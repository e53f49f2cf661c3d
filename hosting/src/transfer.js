// File transfers with the Files API: resumable uploads in chunks (with progress, and
// resume after an interruption or a reload), and downloads that stay within Hosting's
// 60-second limit per request by fetching large files in Range pieces.

import { ApiError, api } from './api.js';
import { session } from './state.js';

const RESUME_PREFIX = 'portal.upload:';
const RETRIES = 5;
export const PIECE_BYTES = 32 * 1024 * 1024;
/** Files up to this size download in one request; larger ones in pieces of PIECE_BYTES. */
export const DIRECT_DOWNLOAD_BYTES = PIECE_BYTES;

function resumeKey(file, orgId, projectId) {
  return `${RESUME_PREFIX}${orgId || ''}:${projectId || ''}:${file.name}:${file.size}:${file.lastModified}`;
}

function errorFrom(xhr) {
  let data = null;
  try {
    data = JSON.parse(xhr.responseText || 'null');
  } catch {
    data = null;
  }
  const err = (data && data.error) || {};
  return { status: xhr.status, data, error: new ApiError(xhr.status, err.code || `http_${xhr.status}`, err.message || `The server answered ${xhr.status}.`, err.details) };
}

/** PUT one chunk with XMLHttpRequest (fetch reports no upload progress). */
function putChunk(uploadId, blob, first, total, onBytes, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/files/upload/${encodeURIComponent(uploadId)}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Content-Range', `bytes ${first}-${first + blob.size - 1}/${total}`);
    if (session.csrfToken) xhr.setRequestHeader('X-CSRF-Token', session.csrfToken);
    xhr.upload.onprogress = (e) => onBytes(e.loaded);
    xhr.onload = () => resolve(errorFrom(xhr));
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The connection dropped.'));
    xhr.onabort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(blob);
  });
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Upload `file` into an organisation (and project): resumes an upload of the same file
 * started earlier in this browser. onProgress(fraction). Resolves with the file.
 */
export async function uploadFile(file, { orgId, projectId, onProgress = () => {}, signal } = {}) {
  const key = resumeKey(file, orgId, projectId);
  let upload = null;
  const saved = localStorage.getItem(key);
  if (saved) {
    try {
      upload = (await api.get(`/api/files/upload/${encodeURIComponent(saved)}`, { signal })).upload;
    } catch {
      localStorage.removeItem(key);
    }
  }
  if (!upload) {
    const body = { name: file.name, size: file.size, type: file.type || '', projectId: projectId || null, orgId: orgId || null };
    upload = (await api.post('/api/files/upload', body, { signal })).upload;
    localStorage.setItem(key, upload.id);
  }
  let offset = upload.offset;
  let failures = 0;
  onProgress(offset / file.size);
  for (;;) {
    const end = Math.min(offset + upload.chunkSize, file.size);
    let answer;
    try {
      answer = await putChunk(upload.id, file.slice(offset, end), offset, file.size, (n) => onProgress((offset + n) / file.size), signal);
    } catch (err) {
      if (err.name === 'AbortError' || failures >= RETRIES) throw err;
      failures += 1;
      await wait(500 * 2 ** failures);
      offset = (await api.get(`/api/files/upload/${encodeURIComponent(upload.id)}`, { signal })).upload.offset;
      continue;
    }
    if (answer.status === 201) {
      localStorage.removeItem(key);
      onProgress(1);
      return answer.data.file;
    }
    if (answer.status === 200) {
      offset = answer.data.offset;
      failures = 0;
      continue;
    }
    if (answer.status === 409 && answer.error.details && Number.isInteger(answer.error.details.offset)) {
      offset = answer.error.details.offset;
      continue;
    }
    if ([502, 503].includes(answer.status) && failures < RETRIES) {
      failures += 1;
      await wait(500 * 2 ** failures);
      continue;
    }
    if (answer.status !== 429) localStorage.removeItem(key);
    throw answer.error;
  }
}

/** Cancel an upload this browser started (best effort). */
export async function cancelUpload(file, orgId, projectId) {
  const key = resumeKey(file, orgId, projectId);
  const id = localStorage.getItem(key);
  localStorage.removeItem(key);
  if (id) await api.del(`/api/files/upload/${encodeURIComponent(id)}`).catch(() => {});
}

export function downloadUrl(file, { inline = false } = {}) {
  if (file.href) return file.href; // something else the API streams (an export archive)
  return `/api/files/${encodeURIComponent(file.id)}/download${inline ? '?inline=1' : ''}`;
}

function save(href, name) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * Download a file: small ones straight from the API; large ones in Range pieces (each
 * request well under Hosting's 60 s), assembled into one Blob. onProgress(fraction).
 */
export async function downloadFile(file, { onProgress = () => {}, signal } = {}) {
  const size = Number(file.size) || 0;
  if (size <= DIRECT_DOWNLOAD_BYTES) {
    save(downloadUrl(file), file.name);
    onProgress(1);
    return;
  }
  const parts = [];
  for (let first = 0; first < size; first += PIECE_BYTES) {
    const last = Math.min(first + PIECE_BYTES, size) - 1;
    let res = null;
    for (let attempt = 0; attempt <= RETRIES; attempt += 1) {
      try {
        res = await fetch(downloadUrl(file), { headers: { Range: `bytes=${first}-${last}` }, credentials: 'same-origin', cache: 'no-store', signal });
        if (res.status === 206) break;
      } catch (err) {
        if (err.name === 'AbortError') throw err;
      }
      if (res && res.status !== 206 && res.status < 500) break;
      await wait(500 * 2 ** attempt);
    }
    if (!res || res.status !== 206) throw new ApiError(res ? res.status : 0, 'download_failed', 'The download was interrupted. Try again.');
    parts.push(await res.blob());
    onProgress((last + 1) / size);
  }
  const url = URL.createObjectURL(new Blob(parts, { type: file.mimeType || 'application/octet-stream' }));
  save(url, file.name);
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
