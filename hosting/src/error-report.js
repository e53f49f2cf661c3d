// Error tracking in the browser: an uncaught error becomes one Sentry event, posted as an
// envelope to the ingest endpoint the DSN names (https://<key>@<host>/<project>, sent to
// https://<host>/api/<project>/envelope/?sentry_key=<key>&sentry_version=7: the key in the query
// and a text/plain body keep it a "simple" request, with no CORS preflight). Its own chunk,
// loaded by errors.js on the first error when `/api/auth/config` names a DSN; no Sentry SDK.
//
// What an event holds: the exception's type, its stack frames (file without query or fragment,
// function, line, column), the release and the environment. Nothing else: no message (it can
// quote what someone typed or was shown), no page address, no user, no breadcrumbs, no
// cookies (`credentials: 'omit'`) and only the portal's origin as the referrer. At most
// MAX_EVENTS events a page load, and a stack already sent is not sent again.

const MAX_EVENTS = 5;
const MAX_FRAMES = 50;

/** `{ url, publicKey }` of a DSN, or null when it is not one. */
export function parseDsn(dsn) {
  const m = /^(https?):\/\/([^:@/]+)(?::[^@/]*)?@([^/]+)(\/(?:.*\/)?)(\d+)\/?$/.exec(dsn || '');
  if (!m) return null;
  const [, scheme, publicKey, host, path, project] = m;
  const url = `${scheme}://${host}${path}api/${project}/envelope/?sentry_key=${encodeURIComponent(publicKey)}&sentry_version=7`;
  return { url, publicKey };
}

const bare = (url) => url.split(/[?#]/)[0];

// V8: "    at fn (url:1:2)", "    at url:1:2", "    at async fn (url:1:2)";
// Firefox and Safari: "fn@url:1:2", "@url:1:2".
const V8 = /^\s*at (?:async )?(?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;
const GECKO = /^\s*(.*?)@(.*?):(\d+):(\d+)$/;

/** Frames of `error.stack`, the outermost call first (Sentry's order), none of its message. */
export function framesOf(error) {
  let stack = typeof error.stack === 'string' ? error.stack : '';
  const head = String(error); // V8 starts the stack with "Type: message", which may span lines
  if (stack.startsWith(head)) stack = stack.slice(head.length);
  const frames = [];
  for (const line of stack.split('\n')) {
    const m = V8.exec(line) || GECKO.exec(line);
    if (!m) continue;
    const [, fn, file, lineno, colno] = m;
    frames.push({
      filename: bare(file),
      ...(fn && { function: bare(fn) }),
      lineno: Number(lineno),
      colno: Number(colno),
      in_app: file.startsWith(location.origin),
    });
  }
  return frames.slice(0, MAX_FRAMES).reverse();
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A function that reports an error to the DSN of `cfg` ({dsn, release, environment}). */
export function reporter(cfg) {
  const target = parseDsn(cfg.dsn);
  const seen = new Set();
  let sent = 0;
  return function report(error, mechanism = 'generic') {
    try {
      if (!target || sent >= MAX_EVENTS) return;
      const type = error.name || 'Error';
      const frames = framesOf(error);
      const key = JSON.stringify([type, frames]);
      if (seen.has(key)) return;
      seen.add(key);
      sent += 1;
      const id = hex(crypto.getRandomValues(new Uint8Array(16)));
      const now = new Date();
      const event = {
        event_id: id,
        timestamp: now.getTime() / 1000,
        platform: 'javascript',
        level: 'error',
        release: cfg.release,
        environment: cfg.environment,
        sdk: { name: 'portal.browser', version: '1' },
        exception: {
          values: [{ type, value: '', mechanism: { type: mechanism, handled: false }, stacktrace: { frames } }],
        },
      };
      const body = [
        JSON.stringify({ event_id: id, sent_at: now.toISOString() }),
        JSON.stringify({ type: 'event' }),
        JSON.stringify(event),
      ].join('\n');
      fetch(target.url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        credentials: 'omit',
        referrerPolicy: 'origin',
        keepalive: true,
      }).catch(() => {});
    } catch {
      /* reporting never adds an error of its own */
    }
  };
}
