// The API client: same-origin JSON, the session cookie, and the CSRF header on
// every unsafe request. Errors become ApiError with the server's message.

import { session, setViewingAs, viewingAs } from './state.js';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TRANSIENT = new Set([500, 502, 503, 504]);
const RETRY_DELAYS = [300, 900];

const FALLBACK = {
  0: 'Could not reach the server. Check your connection and try again.',
  400: 'The request was not valid.',
  401: 'Please sign in to continue.',
  403: 'You are not allowed to do this.',
  404: 'Not found.',
  409: 'That conflicts with the current state. Reload and try again.',
  410: 'This link has expired or is no longer valid.',
  413: 'That is too large.',
  429: 'Too many requests. Wait a moment and try again.',
};

let onUnauthenticated = null;
/** Called when a signed-in request answers 401 (session expired or revoked). */
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

function buildUrl(path, query) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== null && v !== undefined && v !== '') url.searchParams.set(k, String(v));
  }
  return url.pathname + url.search;
}

/**
 * request('GET', '/api/projects', {query: {orgId}, signal})
 * Options: body (JSON), query, signal, auth (false for public endpoints: a 401
 * then doesn't end the session), viewAs (false: as oneself even while viewing as a client).
 */
export async function request(method, path, opts = {}) {
  const early = method === 'GET' && takePrimed(buildUrl(path, opts.query));
  if (early) return early.catch(() => send(method, path, opts)); // a failed early answer is asked again
  return send(method, path, opts);
}

async function send(method, path, { body, query, signal, auth = true, viewAs = true } = {}) {
  const headers = { Accept: 'application/json' };
  const viewing = viewAs ? viewingAs() : null;
  if (viewing) headers['X-View-As'] = viewing.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && session.csrfToken) headers['X-CSRF-Token'] = session.csrfToken;
  const go = () =>
    fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    });
  let res;
  // Reads are retried through a transient failure (a dropped connection, a 502/503/504
  // while a function starts): twice, 300 ms then 900 ms later. Writes are never repeated.
  for (let attempt = 0; ; attempt += 1) {
    const retry = method === 'GET' && attempt < RETRY_DELAYS.length;
    try {
      res = await go();
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      if (!retry) throw new ApiError(0, 'network', FALLBACK[0]);
      res = null;
    }
    if (res && !(TRANSIENT.has(res.status) && retry)) break;
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS[attempt]));
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const message = err.message || FALLBACK[res.status] || `The server answered ${res.status}. Try again.`;
    const apiErr = new ApiError(res.status, err.code || `http_${res.status}`, message, err.details);
    if (res.status === 401 && auth && session.user && onUnauthenticated) onUnauthenticated(apiErr);
    if (viewing && (apiErr.code === 'view_as_expired' || apiErr.code === 'view_as_invalid')) {
      setViewingAs(null); // the view ended (or the admin lost the right): back to oneself
      location.assign('/');
    }
    throw apiErr;
  }
  if (data === null && text) throw new ApiError(res.status, 'bad_response', 'The server sent an unreadable answer. Try again.');
  return data;
}

// Early requests: the first page's data is asked for while the session is checked, not
// after (one round trip less before it paints); the page's own GET of the same address
// then takes that answer, once, if it comes within PRIMED_MS.
const PRIMED_MS = 10_000;
const primed = new Map(); // url -> { at, promise }

/** Start the GET a page is about to make (same path and query as the page's call). */
export function prime(path, query) {
  const url = buildUrl(path, query);
  const promise = send('GET', path, { query, auth: false });
  promise.catch(() => {}); // unused or failed: the page asks again
  primed.set(url, { at: Date.now(), promise });
  return promise;
}

function takePrimed(url) {
  const hit = primed.get(url);
  if (!hit) return null;
  primed.delete(url);
  return Date.now() - hit.at < PRIMED_MS ? hit.promise : null;
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body: body ?? {} }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  del: (path, opts) => request('DELETE', path, opts),
};

export function isAbort(err) {
  return Boolean(err) && err.name === 'AbortError';
}
