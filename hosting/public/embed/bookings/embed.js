// The scheduling widget of Cal.com or Calendly, inside the portal's frame. It runs under
// this document's own Content-Security-Policy (firebase.json, /embed/bookings/**), which
// allows only those providers. ?provider=calcom|calendly&url=<the scheduling page>; any
// other URL is refused. Where the provider's script cannot load (offline, blocked), a
// plain link to the scheduling page is shown instead.
(function () {
  'use strict';
  var HOSTS = { calcom: ['cal.com'], calendly: ['calendly.com'] };
  var params = new URLSearchParams(location.search);
  var provider = params.get('provider');
  var status = document.getElementById('status');
  var widget = document.getElementById('widget');
  var page;
  try {
    page = new URL(params.get('url') || '');
  } catch (e) {
    page = null;
  }
  var hosts = HOSTS[provider] || [];
  var allowed =
    page &&
    page.protocol === 'https:' &&
    hosts.some(function (h) {
      return page.hostname === h || page.hostname.endsWith('.' + h);
    });

  function fallback(message) {
    status.textContent = message || '';
    status.hidden = !message;
    widget.className = 'is-empty';
    if (allowed) {
      document.getElementById('fallback-link').href = page.href;
      document.getElementById('fallback').hidden = false;
    }
  }

  function load(src, onload) {
    var script = document.createElement('script');
    script.src = src;
    script.async = true;
    script.onload = onload;
    script.onerror = function () {
      fallback('');
    };
    document.head.appendChild(script);
  }

  if (!allowed) {
    fallback('This scheduling page is not one the portal can show.');
    return;
  }
  if (provider === 'calendly') {
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = 'https://assets.calendly.com/assets/external/widget.css';
    document.head.appendChild(css);
    widget.className = 'calendly-inline-widget';
    widget.setAttribute('data-url', page.href);
    load('https://assets.calendly.com/assets/external/widget.js', function () {
      status.hidden = true;
    });
    return;
  }
  // Cal.com: the queue its embed script expects, then an inline calendar.
  var Cal = function () {
    (Cal.q = Cal.q || []).push(arguments);
  };
  Cal.ns = {};
  window.Cal = Cal;
  load('https://app.cal.com/embed/embed.js', function () {
    status.hidden = true;
  });
  var name = page.searchParams.get('name') || undefined;
  var email = page.searchParams.get('email') || undefined;
  window.Cal('init', { origin: 'https://app.cal.com' });
  window.Cal('inline', { elementOrSelector: '#widget', calLink: page.pathname.replace(/^\//, ''), config: { name: name, email: email } });
})();
