// The ChatKit web component, inside the portal's assistant panel. It runs under this
// document's own Content-Security-Policy (firebase.json, /embed/assistant/**), the only
// one that allows OpenAI's script, in a frame sandboxed without allow-same-origin: this
// document has no origin of the portal's, no cookie and no CSRF token. Its requests to
// /api/chatkit go through the panel (postMessage with a MessageChannel; the panel's
// frame-relay.js fetches them with the session and streams the answer back). It tells the
// panel whether it is 'ready' or 'unavailable': the script cannot load (offline, blocked),
// the domain key is refused, or the assistant is not configured.
(function () {
  'use strict';
  var SCRIPT = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';
  var SOURCE = 'portal-assistant';
  var TIMEOUT_MS = 15000;
  var status = document.getElementById('status');
  var parentOrigin = new URLSearchParams(location.hash.slice(1)).get('parent') || '';
  var done = false;

  function tell(state, message, cause) {
    if (done) return;
    done = true;
    if (state === 'unavailable') status.textContent = message || 'The assistant is unavailable.';
    else status.hidden = true;
    if (window.parent !== window && parentOrigin) {
      window.parent.postMessage({ source: SOURCE, state: state, message: message || '', cause: cause || '' }, parentOrigin);
    }
  }

  // fetch() through the panel: same answer (status, headers, the body as it streams).
  function relayedFetch(input, init) {
    init = init || {};
    var url = typeof input === 'string' ? input : input && input.url ? input.url : String(input);
    var headers = [];
    new Headers(init.headers || {}).forEach(function (value, name) {
      headers.push([name, value]);
    });
    var body = init.body;
    var text = body === undefined || body === null || typeof body === 'string' ? Promise.resolve(body) : new Response(body).text();
    return text.then(function (payload) {
      return new Promise(function (resolve, reject) {
        if (!parentOrigin || window.parent === window) return reject(new TypeError('No portal to ask.'));
        var channel = new MessageChannel();
        var controller;
        var stream = new ReadableStream({
          start: function (c) {
            controller = c;
          },
          cancel: function () {
            channel.port1.postMessage({ type: 'abort' });
          },
        });
        if (init.signal) {
          init.signal.addEventListener('abort', function () {
            channel.port1.postMessage({ type: 'abort' });
          });
        }
        channel.port1.onmessage = function (e) {
          var m = e.data || {};
          if (m.type === 'head') resolve(new Response(stream, { status: m.status, headers: m.headers }));
          else if (m.type === 'chunk') controller.enqueue(m.chunk);
          else if (m.type === 'end') controller.close();
          else if (m.type === 'error') {
            reject(new TypeError(m.message || 'The request failed.'));
            try {
              controller.error(new TypeError(m.message || 'The request failed.'));
            } catch (err) {
              /* already closed */
            }
          }
        };
        var ask = { source: SOURCE, type: 'fetch', url: url, method: init.method || 'GET', headers: headers, body: payload };
        window.parent.postMessage(ask, parentOrigin, [channel.port2]);
      });
    });
  }

  function getJson(path) {
    return relayedFetch(path, { headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  function loadScript() {
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = SCRIPT;
      script.async = true;
      script.onload = resolve;
      script.onerror = function () {
        reject(new Error('script'));
      };
      document.head.appendChild(script);
    });
  }

  function mount(config) {
    var chat = document.createElement('openai-chatkit');
    chat.setOptions({
      api: {
        url: parentOrigin + '/api/chatkit',
        domainKey: config.domainKey || 'local-dev',
        fetch: relayedFetch,
      },
      frameTitle: 'Assistant',
      history: { enabled: true, showDelete: true, showRename: true },
      threadItemActions: { feedback: true },
      startScreen: {
        greeting: 'Ask about your projects, approvals, meetings and messages.',
        prompts: [
          { label: 'What is waiting on me?', prompt: 'What is waiting on me?' },
          { label: 'Next milestones', prompt: 'When are the next milestones of my projects?' },
          { label: 'Next call', prompt: 'When is our next call?' },
        ],
      },
      composer: { placeholder: 'Ask the assistant…', attachments: { enabled: false } },
    });
    chat.addEventListener('chatkit.error', function () {});
    document.getElementById('chat').appendChild(chat);
    tell('ready');
  }

  var timer = setTimeout(function () {
    tell('unavailable', 'The assistant did not load in time.', 'timeout');
  }, TIMEOUT_MS);

  var step = 'session';
  getJson(parentOrigin + '/api/chatkit')
    .then(function (config) {
      step = 'script';
      return loadScript()
        .then(function () {
          return window.customElements.whenDefined('openai-chatkit');
        })
        .then(function () {
          clearTimeout(timer);
          mount(config);
        });
    })
    .catch(function (err) {
      clearTimeout(timer);
      var message = err && err.message === '503' ? 'The assistant is not configured.' : 'The assistant cannot load right now.';
      tell('unavailable', message, step === 'script' ? 'script' : err && err.message === '503' ? 'not-configured' : 'portal');
    });
})();
