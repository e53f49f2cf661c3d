// Components are written with htm tagged templates over Preact's `h`: no build-time
// JSX, no eval, no innerHTML. Text is always set as text, so server data can't
// inject markup; styles only through classes (or CSSOM `style` objects), never a
// `style` attribute string (CSP).

import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
