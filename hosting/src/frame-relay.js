// The portal's side of a sandboxed frame's requests. A frame that runs a third party's
// script (the assistant's ChatKit) is sandboxed without allow-same-origin: its document has
// an opaque origin, so it can neither read this page nor send the session cookie. What it
// needs of the API it asks here, over a MessageChannel, and only the paths given to
// relayRequests are ever fetched; the session's CSRF token never enters the frame.

import { session, viewingAs } from './state.js';

const METHODS = new Set(['GET', 'POST']);
const HEADERS = new Set(['accept', 'content-type']);

function refuse(port, message) {
  port.postMessage({ type: 'error', message });
  port.close();
}

async function relay(data, port, paths) {
  const url = new URL(String(data.url || ''), location.origin);
  const method = String(data.method || 'GET').toUpperCase();
  if (url.origin !== location.origin || !paths.includes(url.pathname) || !METHODS.has(method)) {
    refuse(port, 'This request is not relayed.');
    return;
  }
  const headers = {};
  for (const [name, value] of Array.isArray(data.headers) ? data.headers : []) {
    if (HEADERS.has(String(name).toLowerCase())) headers[name] = String(value);
  }
  if (method === 'POST' && session.csrfToken) headers['X-CSRF-Token'] = session.csrfToken;
  const viewing = viewingAs();
  if (viewing) headers['X-View-As'] = viewing.token;
  const abort = new AbortController();
  port.onmessage = (e) => {
    if (e.data && e.data.type === 'abort') abort.abort();
  };
  try {
    const body = method === 'POST' && typeof data.body === 'string' ? data.body : undefined;
    const response = await fetch(url.pathname + url.search, { method, headers, body, credentials: 'same-origin', cache: 'no-store', signal: abort.signal });
    port.postMessage({ type: 'head', status: response.status, headers: [...response.headers.entries()] });
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        port.postMessage({ type: 'chunk', chunk: value }, [value.buffer]);
      }
    }
    port.postMessage({ type: 'end' });
  } catch (err) {
    port.postMessage({ type: 'error', message: (err && err.message) || 'The request failed.' });
  }
  port.close();
}

/** Relay the requests the sandboxed frame `frame()` asks for, to `paths` only. Returns the
 * listener's remover. `onOther` receives the frame's other messages. */
export function relayRequests(frame, source, paths, onOther) {
  const onMessage = (e) => {
    const el = frame();
    if (!el || e.source !== el.contentWindow || e.origin !== 'null') return;
    const data = e.data || {};
    if (data.source !== source) return;
    if (data.type === 'fetch' && e.ports && e.ports[0]) relay(data, e.ports[0], paths);
    else onOther(data);
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
}
