"""axe-core in the browser tests: every page state a test reaches is checked against the
WCAG 2.1 A/AA rules and axe's best-practice rules, and a violation fails the test with a
readable list (rule, impact, the elements' selectors, what to do).

axe-core is an npm dev dependency (``node_modules/axe-core/axe.min.js``). Its source is run
with ``page.evaluate``, which the DevTools protocol executes outside the page's
Content-Security-Policy, so the app keeps its real, strict policy in every browser test (no
``bypass_csp``; tests/e2e/test_headers.py checks the header itself).

How a page test uses it: the ``page`` fixture (conftest.py) checks the state a test ends on,
at desktop and at phone width, on its own. Call ``check_a11y(page, "what is shown")`` after
each further state worth checking (a navigation, a filter that empties a list, an open
dialog or menu); ``shoot()`` in test_pages.py and ``sign_in()`` in test_shell.py already do.
"""

from __future__ import annotations

import os
import re
import weakref
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / ".cache" / "screenshots"

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Rules switched off, each with its reason. Nothing else is disabled.
DISABLED_RULES: dict[str, str] = {}

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

_source: str | None = None


def _axe_source() -> str:
    global _source
    if _source is None:
        if not AXE_SCRIPT.exists():
            raise AssertionError("axe-core is not installed: run `npm ci` (make test does)")
        _source = AXE_SCRIPT.read_text()
    return _source


_RUN = """async ([tags, disabled]) => {
    const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
    const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        rules,
        resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: n.failureSummary })),
    }));
}"""


_SETTLE = """() => document.getAnimations().forEach((a) => {
  try { a.finish(); } catch (e) { /* an endless animation */ }
})"""


def finish_animations(page: Any) -> None:
    """Finite animations and transitions run to their end (endless ones, such as a spinner, are left)."""
    page.evaluate(_SETTLE)


def axe_violations(page: Any) -> list[dict]:
    """axe's violations for the page as it is now (axe is injected once per document)."""
    page.wait_for_load_state("domcontentloaded")
    # Colours are judged as they settle, not halfway through a fade (a toast sliding in):
    # finite animations and transitions are run to their end first (endless ones, such as a
    # spinner, cannot be and are left).
    finish_animations(page)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return list(page.evaluate(_RUN, [TAGS, sorted(DISABLED_RULES)]))


def format_violations(violations: list[dict], label: str) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on {label}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:8]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"

_STATE = """() => {
    const html = document.documentElement.outerHTML;
    let hash = 2166136261;
    for (let i = 0; i < html.length; i += 1) hash = Math.imul(hash ^ html.charCodeAt(i), 16777619);
    return `${location.href} ${html.length} ${hash >>> 0}`;
}"""

_checked: weakref.WeakKeyDictionary[Any, tuple[str, tuple[str, ...]]] = weakref.WeakKeyDictionary()
"""The state each page was last checked in (its address and a hash of its markup), and at which widths."""


def resized(page: Any, size: dict[str, int]) -> None:
    """The viewport set to ``size``, once the page has been laid out for it (two frames)."""
    page.set_viewport_size(size)
    page.evaluate(_FRAMES)


def checked_already(page: Any, widths: tuple[str, ...] = ("desktop", "phone")) -> bool:
    """Whether the page is in the very state it was last checked in, at these widths."""
    last = _checked.get(page)
    return last is not None and set(widths) <= set(last[1]) and last[0] == page.evaluate(_STATE)


_SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def check_a11y(
    page: Any, label: str = "", *, widths: tuple[str, ...] = ("desktop", "phone"), sideways: bool = False
) -> None:
    """Fail with the list of violations for the page now, at each of the given widths
    (the viewport is put back afterwards); with ``sideways``, also when the page scrolls
    sideways at one of them. ``E2E_SCREENSHOTS=1`` keeps a full-page screenshot of each
    width in ``.cache/screenshots`` (to look at; nothing is judged from them)."""
    before = page.viewport_size
    sizes = {"desktop": DESKTOP, "phone": PHONE}
    found: list[str] = []
    try:
        for width in widths:
            if len(widths) > 1 or (before and before != sizes[width]):
                resized(page, sizes[width])
            violations = axe_violations(page)
            if sideways and (overflow := page.evaluate(_SIDEWAYS)) > 0:
                found.append(f"{label or page.url} scrolls sideways by {overflow} px at {width} width")
            if os.environ.get("E2E_SCREENSHOTS") == "1":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^\w.-]+", "-", label or page.url).strip("-")[:120]
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            if violations:
                found.append(format_violations(violations, f"{label or page.url} at {width} width"))
    finally:
        if before:
            resized(page, before)
    if found:
        raise AssertionError("\n".join(found))
    _checked[page] = (page.evaluate(_STATE), widths)
