// Files: not built yet. This module's render(container, ctx) is where the
// feature goes; ctx has user, api, isStaff, orgId, org, orgs, signal, query,
// navigate and refresh.

import { comingSoon } from './placeholder.js';

export function render(container, ctx) {
  comingSoon(container, ctx, {
    title: 'Files',
    icon: 'files',
    text: 'Files shared between you and the agency for each project will appear here, ready to download or upload.',
  });
}
