// The assistant's panel, opened from the header on every page (its own chunk, loaded
// when the panel first opens). The ChatKit web component runs in a document of its own,
// /embed/assistant/, whose Content-Security-Policy alone allows OpenAI's script; the app's
// policy does not change. That frame is sandboxed without allow-same-origin, so OpenAI's
// script runs in no origin of the portal's: it reaches /api/chatkit only through this panel
// (frame-relay.js). The frame tells this panel whether ChatKit loaded ('ready') or not
// ('unavailable': offline, blocked, not configured); the panel then shows the
// conversation, or says the assistant is unavailable and offers Messages instead.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { Icon } from './icons.js';
import { relayRequests } from './frame-relay.js';

const SOURCE = 'portal-assistant';
const LOAD_TIMEOUT_MS = 20000;

export function AssistantPanel({ open, onClose }) {
  const [state, setState] = useState('loading'); // loading | ready | unavailable
  const [reason, setReason] = useState('');
  const [cause, setCause] = useState('');
  const frame = useRef(null);
  const heading = useRef(null);

  useEffect(() => {
    const stop = relayRequests(() => frame.current, SOURCE, ['/api/chatkit'], (data) => {
      if (data.state === 'ready' || data.state === 'unavailable') {
        setState(data.state);
        setReason(typeof data.message === 'string' ? data.message : '');
        setCause(typeof data.cause === 'string' ? data.cause : '');
      }
    });
    const timer = setTimeout(() => {
      setCause((c) => c || 'timeout');
      setState((s) => (s === 'loading' ? 'unavailable' : s));
    }, LOAD_TIMEOUT_MS);
    return () => {
      stop();
      clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    if (!open) return undefined;
    if (heading.current) heading.current.focus();
    const onKey = (e) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  return html`
    <section id="assistant-panel" class="assistant-panel" role="dialog" aria-modal="false" aria-labelledby="assistant-title" hidden=${!open} data-testid="assistant-panel" data-state=${state} data-cause=${cause || undefined}>
      <div class="assistant-head">
        <h2 id="assistant-title" tabindex="-1" ref=${heading}>Assistant</h2>
        <button type="button" class="icon-btn" aria-label="Close the assistant" data-testid="assistant-close" onClick=${onClose}><${Icon} name="close" /></button>
      </div>
      ${state === 'loading' ? html`<p class="assistant-note" role="status" data-testid="assistant-loading">Loading the assistant…</p>` : null}
      ${state === 'unavailable'
        ? html`
            <div class="assistant-unavailable" role="status" data-testid="assistant-unavailable">
              <${Icon} name="alert" />
              <h3>Assistant unavailable</h3>
              <p>${reason || 'The assistant cannot load right now.'} Your question can still reach the team.</p>
              <a href="/messages" class="btn btn-primary" onClick=${onClose}>Message the team</a>
            </div>
          `
        : null}
      <iframe ref=${frame} class="assistant-frame" src=${`/embed/assistant/index.html#parent=${encodeURIComponent(location.origin)}`} sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-forms" title="Assistant conversation" hidden=${state === 'unavailable'} data-testid="assistant-frame"></iframe>
    </section>
  `;
}
