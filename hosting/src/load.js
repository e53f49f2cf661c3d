// The one data-loading helper. `useResource` runs a request when its inputs change
// (aborting the previous one, and the last one when the page goes away); `<Load>`
// shows a skeleton while loading, the error with "Try again" on failure, the empty
// state when there is nothing, and otherwise the content. `lazy` is the same for code:
// a component whose module loads when it first shows.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from './api.js';
import { html } from './html.js';
import { Button, ErrorState, InlineError, Skeleton } from './ui.js';

/**
 * const res = useResource((signal) => api.get('/api/x', {signal}), [deps])
 * → { data, error, loading, reload(), setData(fn|value) }; `fetcher` null = nothing to load.
 */
export function useResource(fetcher, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: Boolean(fetcher) });
  const [round, setRound] = useState(0);
  const latest = useRef(fetcher);
  latest.current = fetcher;
  const keep = useRef(false); // a reload keeps the data on screen until the answer
  // Before the browser paints: an answer already here (the first page's early request)
  // then shows in the first frame, with no skeleton frame before it.
  useLayoutEffect(() => {
    const fn = latest.current;
    if (!fn) {
      setState({ data: undefined, error: null, loading: false });
      return undefined;
    }
    const controller = new AbortController();
    const keepData = keep.current;
    keep.current = false;
    setState((s) => ({ data: keepData ? s.data : undefined, error: null, loading: true }));
    Promise.resolve()
      .then(() => fn(controller.signal))
      .then(
        (data) => {
          if (!controller.signal.aborted) setState({ data, error: null, loading: false });
        },
        (error) => {
          if (controller.signal.aborted || isAbort(error)) return;
          setState({ data: undefined, error, loading: false });
        },
      );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  const reload = useCallback(() => {
    keep.current = true;
    setRound((n) => n + 1);
  }, []);
  const setData = useCallback((next) => setState((s) => ({ ...s, data: typeof next === 'function' ? next(s.data) : next })), []);
  return { ...state, reload, setData };
}

/**
 * <${Load} resource=${res} skeleton=${{kind: 'rows', count: 3, label: 'Loading…'}}
 *          errorTitle="Could not load X" isEmpty=${(d) => !d.items.length} empty=${html`…`}
 *          onError=${(err) => vnode | undefined}>
 *   ${(data) => html`…`}
 * <//>
 * A reload keeps showing the data it has until the new answer arrives.
 */
export function Load({ resource, skeleton = {}, errorTitle, isEmpty, empty = null, onError, children }) {
  const { data, error, loading, reload } = resource;
  if (error) {
    const custom = onError ? onError(error) : undefined;
    return custom !== undefined ? custom : html`<${ErrorState} error=${error} onRetry=${reload} title=${errorTitle} />`;
  }
  if (data === undefined) return loading ? html`<${Skeleton} ...${skeleton} />` : null;
  if (isEmpty && isEmpty(data)) return empty;
  return children(data);
}

/**
 * A cursor-paged list: the first page through useResource, then `loadMore()` appends
 * the next page to `data.items`. `fetchPage(cursor, signal)` answers {items, nextCursor}.
 */
export function usePages(fetchPage, deps) {
  const res = useResource((signal) => fetchPage(null, signal), deps);
  const [more, setMore] = useState({ busy: false, error: '' });
  const controller = useRef(null);
  useEffect(() => {
    setMore({ busy: false, error: '' });
    return () => controller.current && controller.current.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  const loadMore = async () => {
    const cursor = res.data && res.data.nextCursor;
    if (!cursor) return;
    controller.current = new AbortController();
    const { signal } = controller.current;
    setMore({ busy: true, error: '' });
    try {
      const next = await fetchPage(cursor, signal);
      if (signal.aborted) return;
      res.setData((d) => ({ ...next, items: [...((d && d.items) || []), ...(next.items || [])] }));
      setMore({ busy: false, error: '' });
    } catch (err) {
      if (!signal.aborted && !isAbort(err)) setMore({ busy: false, error: err.message });
    }
  };
  return { ...res, more, loadMore };
}

/** The "Load more" button under a paged list (nothing once the last page is in). */
export function LoadMore({ pages, label = 'Load more', testid }) {
  const hasMore = Boolean(pages.data && pages.data.nextCursor);
  return html`
    <div class="load-more">
      <${InlineError} message=${pages.more.error} />
      ${hasMore ? html`<${Button} busy=${pages.more.busy} busyLabel="Loading…" data-testid=${testid} onClick=${pages.loadMore}>${label}<//>` : null}
    </div>
  `;
}

/**
 * const Picker = lazy(() => import('./attachments.js'), 'AttachmentPicker')
 * A component whose code loads when it first renders: nothing shows until then (a page
 * that may never need it does not wait for it), and an error if the code cannot load.
 */
export function lazy(load, name) {
  let component = null;
  let pending = null;
  return function Lazy(props) {
    const [failed, setFailed] = useState(false);
    const [, setLoaded] = useState(Boolean(component));
    useEffect(() => {
      if (component) return undefined;
      let live = true;
      pending = pending || load().then((m) => (component = m[name]));
      pending.then(
        () => live && setLoaded(true),
        () => {
          pending = null; // asked again next time
          if (live) setFailed(true);
        },
      );
      return () => {
        live = false;
      };
    }, []);
    if (component) return html`<${component} ...${props} />`;
    return failed ? html`<${InlineError} message="This part of the page could not load. Reload the page to try again." />` : null;
  };
}
