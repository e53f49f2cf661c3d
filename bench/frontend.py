"""Frontend weight and Largest Contentful Paint.

Weight: the JavaScript and CSS a first visit loads before any page's own code, gzip-compressed
as Hosting serves them: the entry script of ``hosting/dist/index.html``, every chunk it imports
statically (not the ``import()`` of a page, the sign-in code or the live-updates SDK) and the
stylesheets. Baseline: 29 KB of JS and 8 KB of CSS before messaging, files, bookings and the
assistant landed; target: initial JS at most 60 KB.

LCP: Debian's Chromium (Playwright, as the browser tests drive it) against the Hosting emulator,
each sample in a new browser context (cold cache, the session cookie of an earlier sign-in), with
the network throttled through CDP ``Network.emulateNetworkConditions`` to the profile named
"slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up. The dashboard and an approval
item of the demo client owner, beside a static page of the same size (the same stylesheet and a
heading and a paragraph, no script) as the baseline, median of 5, functions warmed first.
Target: LCP under 1.0 s.

    make bench           # the whole bench, this included
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "hosting" / "dist"
sys.path.insert(0, str(ROOT / "tests"))

import env  # noqa: E402, F401  (the emulators' addresses; the functions' code on the path)

RESULTS = ROOT / "bench" / "results"
RUNS = 5
PROFILE = {"name": "slow 4G: 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up",
           "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}  # fmt: skip
STATIC_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["'](\./[^"']+\.js)["']""")
BASELINE_PAGE = "bench-static.html"


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def weight() -> dict[str, Any]:
    """Initial JS and CSS, gzip bytes, following the entry's static imports."""
    index = (DIST / "index.html").read_text()
    entry = re.findall(r'<script[^>]+src="/([^"]+\.js)"', index)
    css = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="/([^"]+\.css)"', index)
    css += re.findall(r'<link[^>]+href="/([^"]+\.css)"[^>]+rel="stylesheet"', index)
    seen: set[Path] = set()
    todo = [DIST / e for e in entry] + [DIST / p for p in re.findall(r'rel="modulepreload"[^>]+href="/([^"]+)"', index)]
    while todo:
        path = todo.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        todo.extend(path.parent / m for m in STATIC_IMPORT.findall(path.read_text()))
    # The dashboard's own code: its route's import() and the chunks Vite preloads with it.
    shell = next(p for p in seen if p.name == Path(entry[0]).name).read_text()
    deps = json.loads(re.search(r"m\.f=(\[[^\]]*\])", shell).group(1)) if "m.f=" in shell else []  # type: ignore[union-attr]
    found = re.search(r'import\("\./(dashboard-[^"]+\.js)"\),__vite__mapDeps\(\[([\d,]*)\]\)', shell)
    page = (
        {DIST / "assets" / found.group(1)} | {DIST / deps[int(i)] for i in found.group(2).split(",") if i}
        if found
        else set()
    )
    return {
        "js_gzip": sum(gz(p) for p in seen),
        "css_gzip": sum(gz(DIST / c) for c in set(css)),
        "js_files": sorted(p.name for p in seen),
        "dashboard_js_gzip": sum(gz(p) for p in seen | page),
    }


LCP_OBSERVER = """
window.__lcp = { t: 0, element: '', text: '', size: 0, url: '', placeholder: false };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const el = entry.element;
    const testid = el && el.dataset && el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '';
    const names = el && typeof el.className === 'string' ? el.className.trim() : '';
    const cls = names ? '.' + names.split(/\\s+/).join('.') : '';
    window.__lcp = {
      t: entry.startTime,
      element: el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${testid}${cls}` : '(no longer in the page)',
      text: el ? (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 70) : '',
      size: entry.size,
      url: entry.url,
      placeholder: Boolean(el && el.closest('[aria-busy=true], .skeleton, .boot, [role=status]')),
    };
  }
}).observe({ type: 'largest-contentful-paint', buffered: true });
"""
WATERFALL = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, p.startTime]));
  const rows = [{ name: location.pathname + ' (document)', start: nav.startTime, end: nav.responseEnd }];
  for (const r of performance.getEntriesByType('resource')) {
    rows.push({ name: new URL(r.name).pathname + new URL(r.name).search, start: r.startTime, end: r.responseEnd });
  }
  return { rows, fcp: paint['first-contentful-paint'] || 0 };
})()"""


def lcp(browser: Any, url: str, state: dict[str, Any] | None, ready: str) -> dict[str, Any]:
    """One cold visit under the profile: the last LCP candidate once the page has settled,
    which element it was, and when each request started and ended."""
    from env import PORTAL

    context = browser.new_context(base_url=PORTAL, viewport={"width": 1280, "height": 800}, storage_state=state)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", {"offline": False, **{k: v for k, v in PROFILE.items()
                                                                           if k != "name"}})  # fmt: skip
        page.add_init_script(LCP_OBSERVER)
        page.goto(url, wait_until="load")
        page.wait_for_selector(ready, timeout=60_000)
        # Settled: no loading skeleton left (the live updates keep a request open, so the
        # network never goes idle), then a moment for the last paint to be reported.
        page.locator("[aria-busy=true]").first.wait_for(state="detached", timeout=60_000)  # (no eval: CSP)
        time.sleep(1.0)
        found = dict(page.evaluate("window.__lcp"))
        found["waterfall"] = page.evaluate(WATERFALL)
        return found
    finally:
        context.close()


def session_state(browser: Any, email: str, password: str) -> dict[str, Any]:
    from env import PORTAL

    context = browser.new_context(base_url=PORTAL)
    page = context.new_page()
    page.goto("/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("user-menu").wait_for(timeout=60_000)
    state = context.storage_state()
    context.close()
    return dict(state)


def seed_demo() -> str:
    """The demo organisations and approval items (once); returns an approval item of Acme."""
    from portal import db

    if not db.system("acme").doc().get().exists:
        from portal.seed import seed_approvals
        from portal.seed import seed_demo as seed

        made = seed()
        seed_approvals(made["users"])
    items = db.system("acme").approvals().order_by("title").limit(1).get()
    return str(items[0].id)


def page_lcps() -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from portal.seed import PASSWORD

    approval = seed_demo()
    css = re.findall(r'href="(/assets/[^"]+\.css)"', (DIST / "index.html").read_text())
    (DIST / BASELINE_PAGE).write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Static</title>'
        + "".join(f'<link rel="stylesheet" href="{c}">' for c in css)
        + '</head><body><main><h1 id="ready">Dashboard</h1><p>'
        + "A paragraph of text as long as a dashboard's first card. " * 6
        + "</p></main></body></html>"
    )
    pages = {
        "static page (baseline)": (f"/{BASELINE_PAGE}", "#ready", False),
        "dashboard": ("/", "main h1", True),
        "approval item": (f"/approvals/{approval}", "[data-testid=approval-description]", True),
    }
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    out: dict[str, Any] = {"profile": PROFILE["name"], "pages": {}}
    try:
        from e2e.conftest import CHROMIUM_FLAGS

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
            state = session_state(browser, "owner@acme.test", PASSWORD)
            for url, ready, signed in pages.values():  # warm the functions and Hosting
                lcp(browser, url, state if signed else None, ready)
            for name, (url, ready, signed) in pages.items():
                visits = [lcp(browser, url, state if signed else None, ready) for _ in range(RUNS)]
                visits.sort(key=lambda v: v["t"])
                median = visits[len(visits) // 2]
                out["pages"][name] = {
                    "median_ms": statistics.median(v["t"] for v in visits),
                    "samples": [v["t"] for v in visits],
                    "elements": sorted({f"{v['element']} {v['text']!r}" for v in visits}),
                    "placeholder": any(v["placeholder"] for v in visits),
                    "median_visit": median,
                }
            browser.close()
    finally:
        (DIST / BASELINE_PAGE).unlink(missing_ok=True)
    return out


def main() -> None:
    result = {"weight": weight(), "lcp": page_lcps() if "--weight-only" not in sys.argv else None}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "frontend.json").write_text(json.dumps(result, indent=1))
    w = result["weight"]
    print(
        f"initial JS {w['js_gzip'] / 1024:.1f} KB gzip ({len(w['js_files'])} files), CSS {w['css_gzip'] / 1024:.1f} KB;"
        f" with the dashboard's own code {w['dashboard_js_gzip'] / 1024:.1f} KB"
    )
    if result["lcp"]:
        print(f"LCP, median of {RUNS}, cold cache, {result['lcp']['profile']}:")
        for name, r in result["lcp"]["pages"].items():
            print(f"  {name:<24}{r['median_ms']:>8.0f} ms   {' '.join(f'{s:.0f}' for s in r['samples'])}")
        for name, r in result["lcp"]["pages"].items():
            kind = "a loading placeholder (not the content)" if r["placeholder"] else "the page's content"
            print(f"\n{name}: the LCP element is {kind}: {'; '.join(r['elements'])}")
            visit = r["median_visit"]
            print(f"  the median visit's requests (ms from navigation; first contentful paint "
                  f"{visit['waterfall']['fcp']:.0f}, LCP {visit['t']:.0f}):")  # fmt: skip
            for row in sorted(visit["waterfall"]["rows"], key=lambda w: w["start"]):
                bar = " " * int(row["start"] / 50) + "#" * max(1, int((row["end"] - row["start"]) / 50))
                print(f"  {row['start']:>6.0f} {row['end']:>6.0f}  {row['name'][:44]:<44} {bar}")


if __name__ == "__main__":
    main()
