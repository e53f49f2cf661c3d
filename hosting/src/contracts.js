// Contracts as GBU reports them (GET /api/orgs/{orgId}/contracts): status badge, when it was
// signed (or sent, opened …), the document's link, and the project it belongs to. Client
// owners and staff see every contract of the organisation, a member those of projects.
// Shown on the project page, on staff's client page and (what awaits a signature) on the
// client's dashboard.

import { html } from './html.js';
import { Load, useResource } from './load.js';
import { Badge, ExternalLink, formatDate, safeUrl } from './ui.js';

export const CONTRACT_STATUS_LABELS = {
  draft: 'Draft',
  sent: 'Awaiting signature',
  viewed: 'Awaiting signature',
  signed: 'Signed',
  declined: 'Declined',
  expired: 'Expired',
  voided: 'Voided',
};
/** The badge tone (a key of STATUS_TONES) of each status. */
const TONES = { draft: 'planning', sent: 'due_soon', viewed: 'due_soon', signed: 'completed', declined: 'failed', expired: 'expired', voided: 'canceled' };
/** What the date beside the badge says for each status. */
const WHEN = { draft: 'Drafted', sent: 'Sent', viewed: 'Opened', declined: 'Declined', expired: 'Expired', voided: 'Voided' };

function when(c) {
  const signed = c.signedAt ? formatDate(c.signedAt) : '';
  if (c.status === 'signed') return signed ? `Signed ${signed}` : 'Signed';
  const latest = c.updatedAt ? `${WHEN[c.status] || 'Updated'} ${formatDate(c.updatedAt)}` : '';
  return [latest, signed ? `signed ${signed}` : ''].filter(Boolean).join(' · ');
}

function ContractItem({ c, showProject, signer }) {
  const title = c.title || 'Contract';
  const href = safeUrl(c.documentUrl);
  const sign = signer && c.awaitingSignature;
  return html`
    <li class="contract" data-testid="contract" data-status=${c.status} data-contract-id=${c.id}>
      <div class="contract-text">
        <span class="contract-title">${title}</span>
        <span class="contract-meta">
          <span data-testid="contract-date">${when(c)}</span>
          ${showProject && c.projectId ? html`<span> · <a href=${`/projects/${encodeURIComponent(c.projectId)}`} class="link">${c.projectName || 'Project'}</a></span>` : null}
          ${showProject && !c.projectId ? html`<span> · Whole organisation</span>` : null}
        </span>
      </div>
      <div class="contract-end">
        <${Badge} status=${c.status} tone=${TONES[c.status]} label=${CONTRACT_STATUS_LABELS[c.status] || c.status} data-testid="contract-status" />
        ${href
          ? html`<${ExternalLink} href=${href} class=${`btn btn-sm ${sign ? 'btn-primary' : 'btn-secondary'}`} data-testid="contract-document">${sign ? 'Review and sign' : 'Open document'}<span class="visually-hidden"> (${title}, opens in a new tab)</span><//>`
          : null}
      </div>
    </li>
  `;
}

export function ContractList({ items, showProject = false, signer = false }) {
  return html`<ul class="contract-list" data-testid="contract-list">${items.map((c) => html`<${ContractItem} key=${c.id} c=${c} showProject=${showProject} signer=${signer} />`)}</ul>`;
}

/**
 * A card of an organisation's contracts (only `projectId`'s, when given). `onlyAwaiting`
 * keeps those that wait for a signature; `hideWhenEmpty` shows nothing when there are none
 * (nor while they load, nor when they cannot be read: the page is whole without them).
 */
export function ContractsCard({ api, orgId, projectId = null, title = 'Contracts', emptyText = 'No contracts yet.', showProject = false, signer = false, onlyAwaiting = false, hideWhenEmpty = false, testid = 'contracts', class: className = 'card' }) {
  const contracts = useResource(
    orgId ? (signal) => api.get(`/api/orgs/${encodeURIComponent(orgId)}/contracts`, { query: projectId ? { projectId } : {}, signal }) : null,
    [orgId, projectId],
  );
  const pick = (data) => (data.items || []).filter((c) => !onlyAwaiting || c.awaitingSignature);
  if (hideWhenEmpty && (contracts.error || !contracts.data || !pick(contracts.data).length)) return null;
  const headingId = `${testid}-title`;
  return html`
    <section class=${`${className} contracts-card`} aria-labelledby=${headingId} data-testid=${testid}>
      <div class="card-head"><h2 id=${headingId} class="section-title">${title}</h2></div>
      <div class="card-body">
        <${Load}
          resource=${contracts}
          skeleton=${{ kind: 'rows', count: 2, label: 'Loading contracts…' }}
          errorTitle="Could not load the contracts"
          isEmpty=${(data) => !pick(data).length}
          empty=${html`<p class="muted" data-testid="contracts-empty">${emptyText}</p>`}
        >
          ${(data) => html`<${ContractList} items=${pick(data)} showProject=${showProject} signer=${signer} />`}
        <//>
      </div>
    </section>
  `;
}
