// Files: not built yet. This module's default export is the page component; its
// props are the page context: user, api, isStaff, orgId, org, orgs, query, params,
// navigate, selectOrg and refresh (see hosting/README.md).

import { html } from '../html.js';
import { ComingSoon } from './placeholder.js';

export default function FilesPage(ctx) {
  return html`<${ComingSoon} ctx=${ctx} title="Files" icon="files" text="Files shared between you and the agency for each project will appear here, ready to download or upload." />`;
}
