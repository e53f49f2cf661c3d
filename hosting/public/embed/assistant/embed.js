// The ChatKit web component, inside the portal's assistant panel. It runs under this
// document's own Content-Security-Policy (firebase.json, /embed/assistant/**), the only
// one that allows OpenAI's script. It talks to the portal's /api/chatkit with the
// session cookie and the CSRF token, and tells the panel (postMessage, same origin only)
// whether it is 'ready' or 'unavailable': the script cannot load (offline, blocked), the
// domain key is refused, or the assistant is not configured.
(function () {
  'use strict';
  var SCRIPT = 'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js';
  var TIMEOUT_MS = 15000;
  var status = document.getElementById('status');
  var done = false;

  function tell(state, message, cause) {
    if (done) return;
    done = true;
    if (state === 'unavailable') status.textContent = message || 'The assistant is unavailable.';
    else status.hidden = true;
    if (window.parent !== window) {
      window.parent.postMessage({ source: 'portal-assistant', state: state, message: message || '', cause: cause || '' }, location.origin);
    }
  }

  function getJson(path) {
    return fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
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

  function mount(csrf, config) {
    var chat = document.createElement('openai-chatkit');
    chat.setOptions({
      api: {
        url: '/api/chatkit',
        domainKey: config.domainKey || 'local-dev',
        fetch: function (input, init) {
          var options = Object.assign({}, init || {}, { credentials: 'same-origin' });
          var headers = new Headers((init && init.headers) || {});
          headers.set('X-CSRF-Token', csrf);
          options.headers = headers;
          return fetch(input, options);
        },
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
  Promise.all([getJson('/api/auth/session'), getJson('/api/chatkit')])
    .then(function (answers) {
      var session = answers[0];
      var config = answers[1];
      step = 'script';
      return loadScript()
        .then(function () {
          return window.customElements.whenDefined('openai-chatkit');
        })
        .then(function () {
          clearTimeout(timer);
          mount(session.csrfToken || '', config);
        });
    })
    .catch(function (err) {
      clearTimeout(timer);
      var message = err && err.message === '503' ? 'The assistant is not configured.' : 'The assistant cannot load right now.';
      tell('unavailable', message, step === 'script' ? 'script' : err && err.message === '503' ? 'not-configured' : 'portal');
    });
})();
