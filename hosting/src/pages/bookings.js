// Bookings (/bookings): the organisation's meetings from Google Calendar, Cal.com and
// Calendly, upcoming or past, in the reader's own time zone (the browser's Intl); each
// with "Add to calendar" (.ics) and, where the provider gave them, reschedule and cancel
// links. "Book a meeting" opens the organisation's scheduling page; the provider's inline
// widget lives in a document of its own (/embed/bookings/, its own CSP) framed on demand,
// sandboxed without allow-same-origin: the provider's script runs in no origin of the portal's.
// Staff with "bookings.manage" also see meetings no client was found for, and assign them.

import { useRef, useState } from 'preact/hooks';
import { BOOKING_SOURCE_LABELS, BOOKING_STATUS_LABELS } from '../constants.js';
import { useSubmit } from '../forms.js';
import { html } from '../html.js';
import { Load, LoadMore, usePages, useResource } from '../load.js';
import { formatter } from '../dates.js';
import { can } from '../state.js';
import { Badge, Button, EmptyState, ExternalLink, InlineError, PageHeader, safeUrl, toast } from '../ui.js';

const TABS = [
  { key: 'upcoming', label: 'Upcoming' },
  { key: 'past', label: 'Past' },
];
const TONES = { confirmed: 'completed', cancelled: 'canceled', rescheduled: 'paused' };
const DAY = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
const TIME = { hour: '2-digit', minute: '2-digit' };

/** "Tue 1 Dec 2026 · 10:00–10:30 GMT+1" in the reader's time zone (their profile's, else the browser's). */
export function meetingTime(start, end) {
  const s = new Date(start);
  if (Number.isNaN(s.getTime())) return 'Time to be confirmed';
  const e = end ? new Date(end) : null;
  const timeFmt = formatter(TIME);
  const zone = (formatter({ timeZoneName: 'short' }).formatToParts(s).find((p) => p.type === 'timeZoneName') || {}).value || '';
  const span = e && !Number.isNaN(e.getTime()) ? `${timeFmt.format(s)}–${timeFmt.format(e)}` : timeFmt.format(s);
  return `${formatter(DAY).format(s)} · ${span}${zone ? ` ${zone}` : ''}`;
}

function Tabs({ when, onChange }) {
  const refs = useRef([]);
  const onKey = (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = refs.current.indexOf(document.activeElement);
    if (i < 0) return;
    const next = (i + 1) % TABS.length;
    refs.current[next].focus();
    onChange(TABS[next].key);
  };
  return html`
    <div class="tabs" role="tablist" aria-label="Meetings" onKeyDown=${onKey}>
      ${TABS.map(
        (t, i) => html`<button key=${t.key} ref=${(el) => (refs.current[i] = el)} type="button" role="tab" class="tab" data-testid=${`bookings-tab-${t.key}`} aria-selected=${String(t.key === when)} tabindex=${t.key === when ? 0 : -1} onClick=${() => onChange(t.key)}>${t.label}</button>`,
      )}
    </div>
  `;
}

function Meeting({ item, orgId, showOrg }) {
  const ics = `/api/bookings/${encodeURIComponent(item.id)}/ics${orgId || showOrg ? `?orgId=${encodeURIComponent(item.orgId || orgId)}` : ''}`;
  const video = safeUrl(item.videoUrl);
  const live = item.status === 'confirmed';
  const people = (item.attendees || []).map((a) => a.name || a.email).join(', ');
  return html`
    <li class="card meeting" data-testid="booking" data-booking-id=${item.id} data-status=${item.status}>
      <div class="meeting-main">
        <p class="meeting-time" data-testid="booking-time"><time datetime=${item.start}>${meetingTime(item.start, item.end)}</time></p>
        <h3 class="meeting-title">${item.title || 'Meeting'}</h3>
        <p class="muted small">${[showOrg && item.orgName, BOOKING_SOURCE_LABELS[item.source] || item.source, item.location, people && `With ${people}`].filter(Boolean).join(' · ')}</p>
        ${item.status === 'rescheduled' ? html`<p class="muted small">Moved to another time.</p>` : null}
        ${item.rescheduledFrom && live ? html`<p class="muted small">Moved from an earlier time.</p>` : null}
      </div>
      <div class="meeting-side">
        <${Badge} status=${item.status} tone=${TONES[item.status]} label=${BOOKING_STATUS_LABELS[item.status] || item.status} data-testid="booking-status" />
        <div class="meeting-actions">
          ${live && video ? html`<${ExternalLink} href=${video} class="btn btn-secondary btn-sm">Join<//>` : null}
          ${live && item.start ? html`<a class="btn btn-secondary btn-sm" href=${ics} download data-testid="booking-ics">Add to calendar</a>` : null}
          ${live && safeUrl(item.rescheduleUrl) ? html`<${ExternalLink} href=${safeUrl(item.rescheduleUrl)} class="btn btn-ghost btn-sm">Reschedule<//>` : null}
          ${live && safeUrl(item.cancelUrl) ? html`<${ExternalLink} href=${safeUrl(item.cancelUrl)} class="btn btn-ghost btn-sm">Cancel<//>` : null}
        </div>
      </div>
    </li>
  `;
}

function BookMeeting({ ctx }) {
  const embed = useResource((signal) => ctx.api.get('/api/bookings/embed', { query: { orgId: ctx.orgId }, signal }), [ctx.orgId]);
  const [open, setOpen] = useState('');
  return html`
    <section class="card book-card" aria-labelledby="book-title" data-testid="book-meeting">
      <h2 id="book-title" class="section-title">Book a meeting</h2>
      <${Load} resource=${embed} skeleton=${{ kind: 'lines', count: 1 }} errorTitle="Could not load the scheduling links"
        isEmpty=${(d) => !d.connected} empty=${html`<p class="muted" data-testid="book-not-connected">Online booking is not set up yet: ask the agency for a time.</p>`}>
        ${(data) => html`
          <div class="book-links">
            ${data.links.map(
              (l) => html`<span key=${l.url} class="book-link">
                <${ExternalLink} href=${safeUrl(l.url)} class="btn btn-primary" data-testid="book-link">${l.label}<//>
                <${Button} class="btn btn-ghost btn-sm" aria-expanded=${String(open === l.embedUrl)} onClick=${() => setOpen(open === l.embedUrl ? '' : l.embedUrl)}>${open === l.embedUrl ? 'Hide the scheduler' : 'Schedule here'}<//>
              </span>`,
            )}
          </div>
          ${open ? html`<iframe class="booking-frame" src=${open} sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox allow-forms" title="Scheduling page" data-testid="booking-frame"></iframe>` : null}
        `}
      <//>
    </section>
  `;
}

function Unmatched({ ctx, onAssigned }) {
  const items = useResource((signal) => ctx.api.get('/api/bookings/unmatched', { signal }), []);
  const [choice, setChoice] = useState({});
  const { busy, error, run } = useSubmit();
  const clients = (ctx.orgs || []).filter((o) => o.kind === 'client' && !o.archived);
  const assign = (id) =>
    run(async () => {
      await ctx.api.post(`/api/bookings/unmatched/${encodeURIComponent(id)}/assign`, { orgId: choice[id] });
      toast('Meeting assigned.', 'success');
      items.reload();
      onAssigned();
    }, id);
  return html`
    <${Load} resource=${items} skeleton=${{ kind: 'lines', count: 1 }} errorTitle="Could not load unassigned meetings" isEmpty=${(d) => !d.items.length}>
      ${(data) => html`
        <section class="card unmatched-card" aria-labelledby="unmatched-title" data-testid="unmatched-bookings">
          <h2 id="unmatched-title" class="section-title">Not matched to a client</h2>
          <p class="muted small">No attendee belongs to a client or its email domains. Choose the client to show them to.</p>
          <${InlineError} message=${error} />
          <ul class="unmatched-list">
            ${data.items.map(
              (b) => html`<li key=${b.id} data-testid="unmatched-booking">
                <span><strong>${b.title}</strong> <span class="muted small">${meetingTime(b.start, b.end)} · ${(b.attendees || []).map((a) => a.email).join(', ')}</span></span>
                <span class="unmatched-assign">
                  <label class="sr-only" for=${`assign-${b.id}`}>Client for ${b.title}</label>
                  <select id=${`assign-${b.id}`} class="input" value=${choice[b.id] || ''} onChange=${(e) => setChoice({ ...choice, [b.id]: e.currentTarget.value })}>
                    <option value="">Choose a client…</option>
                    ${clients.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
                  </select>
                  <${Button} class="btn btn-secondary btn-sm" disabled=${!choice[b.id]} busy=${busy === b.id} onClick=${() => assign(b.id)}>Assign<//>
                </span>
              </li>`,
            )}
          </ul>
        </section>
      `}
    <//>
  `;
}

export default function BookingsPage(ctx) {
  const [when, setWhen] = useState(ctx.query.get('when') === 'past' ? 'past' : 'upcoming');
  const [round, setRound] = useState(0);
  const showOrg = ctx.isStaff && !ctx.orgId;
  const pages = usePages((cursor, signal) => ctx.api.get('/api/bookings', { query: { orgId: ctx.orgId, when, cursor }, signal }), [ctx.orgId, when, round]);
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All clients') : ctx.user.orgName;
  return html`
    <${PageHeader} title="Bookings" subtitle=${`${scope} · times in your time zone`} />
    ${!ctx.isStaff || ctx.orgId ? html`<${BookMeeting} ctx=${ctx} />` : null}
    ${ctx.isStaff && can('bookings.manage', 'agency') ? html`<${Unmatched} ctx=${ctx} onAssigned=${() => setRound(round + 1)} />` : null}
    <${Tabs} when=${when} onChange=${setWhen} />
    <div role="tabpanel" aria-labelledby="meetings-title">
      <h2 id="meetings-title" class="sr-only">${when === 'past' ? 'Past meetings' : 'Upcoming meetings'}</h2>
      <${Load} resource=${pages} skeleton=${{ kind: 'cards', count: 3 }} errorTitle="Could not load meetings"
        isEmpty=${(d) => !d.items.length} empty=${html`<div class="card"><${EmptyState} title=${when === 'past' ? 'No past meetings' : 'No upcoming meetings'} icon="bookings" /></div>`}>
        ${(data) => html`<ul class="meeting-list" data-testid="booking-list">${data.items.map((b) => html`<${Meeting} key=${b.id} item=${b} orgId=${ctx.orgId} showOrg=${showOrg} />`)}</ul><${LoadMore} pages=${pages} testid="bookings-more" />`}
      <//>
    </div>
  `;
}
