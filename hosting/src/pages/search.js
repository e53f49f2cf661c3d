// Search (/search?q=words): what the signed-in person may see, grouped by kind, each
// result with its title and a plain-text snippet. The API gives highlights as
// [start, end) offsets in code points; they become <mark> elements here, never markup
// parsed from a string. Staff search every client, or the one the switcher names.

import { Fragment } from 'preact';
import { SEARCH_KIND_LABELS } from '../constants.js';
import { html } from '../html.js';
import { Load, LoadMore, usePages } from '../load.js';
import { EmptyState, PageHeader, plural } from '../ui.js';

/** `text` with the code-point ranges `marks` wrapped in <mark>. */
export function Marked({ text, marks }) {
  const chars = Array.from(text || '');
  const parts = [];
  let at = 0;
  for (const [start, end] of [...(marks || [])].sort((a, b) => a[0] - b[0])) {
    if (start < at || end <= start || end > chars.length) continue;
    if (start > at) parts.push(chars.slice(at, start).join(''));
    parts.push(html`<mark>${chars.slice(start, end).join('')}</mark>`);
    at = end;
  }
  if (at < chars.length) parts.push(chars.slice(at).join(''));
  return html`<${Fragment}>${parts}<//>`;
}

function groupByKind(items) {
  const groups = new Map();
  for (const item of items) {
    if (!groups.has(item.kind)) groups.set(item.kind, []);
    groups.get(item.kind).push(item);
  }
  return [...groups.entries()];
}

function Result({ item, ctx, orgName }) {
  const open = (e) => {
    // Staff looking at all clients (or another one): switch to the result's client first.
    if (ctx.isStaff && item.orgId && item.orgId !== ctx.orgId) {
      e.preventDefault();
      ctx.selectOrg(item.orgId, item.link);
    }
  };
  return html`
    <li class="search-result" data-testid="search-result" data-kind=${item.kind} data-id=${item.id}>
      <a href=${item.link} class="search-result-title" onClick=${open}><${Marked} text=${item.title || 'Untitled'} marks=${item.titleHighlights} /></a>
      ${orgName ? html`<span class="muted small"> · ${orgName}</span>` : null}
      ${item.snippet ? html`<p class="search-snippet"><${Marked} text=${item.snippet} marks=${item.highlights} /></p>` : null}
    </li>
  `;
}

export default function SearchPage(ctx) {
  const q = (ctx.query.get('q') || '').trim();
  const orgId = ctx.isStaff ? ctx.orgId : null;
  const pages = usePages(
    (cursor, signal) =>
      q
        ? ctx.api.get('/api/search', { query: { q, orgId, cursor, limit: 25 }, signal }).then((d) => ({ ...d, items: d.groups.flatMap((g) => g.items) }))
        : Promise.resolve({ items: [], nextCursor: null }),
    [q, orgId],
  );
  const names = new Map((ctx.orgs || []).map((o) => [o.id, o.name]));
  const scope = ctx.isStaff ? (ctx.org ? ctx.org.name : 'All client organisations') : ctx.user.orgName;
  return html`
    <${PageHeader} title=${q ? `Results for “${q}”` : 'Search'} subtitle=${scope} />
    <div class="page-body">
      ${q
        ? html`
            <${Load}
              resource=${pages}
              skeleton=${{ kind: 'rows', count: 4, label: 'Searching…' }}
              errorTitle="Could not search"
              isEmpty=${(d) => !d.items.length}
              empty=${html`<${EmptyState} title="Nothing found" text="Try fewer words, or the start of a word." icon="search" />`}
            >
              ${(data) => html`
                <p class="visually-hidden" role="status">${plural(data.items.length, 'result')} shown</p>
                ${groupByKind(data.items).map(
                  ([kind, items]) => html`
                    <section key=${kind} class="card search-group" aria-labelledby=${`search-${kind}`} data-testid=${`search-group-${kind}`}>
                      <div class="card-head"><h2 id=${`search-${kind}`} class="section-title">${SEARCH_KIND_LABELS[kind] || kind}</h2></div>
                      <ul class="search-results">
                        ${items.map((item) => html`<${Result} key=${`${item.orgId}/${item.id}`} item=${item} ctx=${ctx} orgName=${ctx.isStaff && !ctx.orgId ? names.get(item.orgId) : null} />`)}
                      </ul>
                    </section>
                  `,
                )}
                <${LoadMore} pages=${pages} label="More results" />
              `}
            <//>
          `
        : html`<${EmptyState} title="Search the portal" text="Type words in the search box at the top: projects, approvals, files and messages that match every word appear here." icon="search" />`}
    </div>
  `;
}
