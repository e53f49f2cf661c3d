// A small History-API router: same-origin <a> clicks and back/forward call the
// route handler; everything else is a normal page load.

let handler = () => {};

export function currentPath() {
  const path = location.pathname.replace(/\/+$/, '');
  return path || '/';
}

export function navigate(to, { replace = false } = {}) {
  const target = new URL(to, location.origin);
  const same = target.pathname + target.search === location.pathname + location.search;
  if (replace) history.replaceState(null, '', target.pathname + target.search + target.hash);
  else if (!same) history.pushState(null, '', target.pathname + target.search + target.hash);
  handler({ initial: false });
}

/** Update the query string without re-rendering (filters). */
export function setQuery(params) {
  const url = new URL(location.href);
  for (const [k, v] of Object.entries(params)) {
    if (v) url.searchParams.set(k, v);
    else url.searchParams.delete(k);
  }
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

export function startRouter(onRoute) {
  handler = onRoute;
  window.addEventListener('popstate', () => handler({ initial: false }));
  document.addEventListener('click', onClick);
  handler({ initial: true });
}
