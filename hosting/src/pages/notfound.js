import { h, mount } from '../dom.js';
import { emptyState, pageHeader } from '../ui.js';

export function render(container) {
  mount(container, pageHeader('Page not found'), h('div', { class: 'card' }, emptyState('There is no page at this address', 'Check the link, or go back to your dashboard.', 'alert', h('a', { href: '/', class: 'btn btn-primary' }, 'Go to the dashboard'))));
}
