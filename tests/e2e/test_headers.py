"""One Content-Security-Policy story: production headers in firebase.json name no emulator;
the emulators serve a copy that also allows the Auth emulator; documents under /embed/
(third-party widgets, previews) have their own policy and may be framed by the app only.
And one caching story: documents revalidate, hashed assets are kept for a year."""

from __future__ import annotations

import json
import re
from pathlib import Path

from env import PORTAL
from helpers import web

ROOT = Path(__file__).resolve().parents[2]


def policy(value: str) -> dict[str, str]:
    return {
        d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in (p.strip() for p in value.split(";")) if d
    }


def test_production_headers_name_no_emulator() -> None:
    config = json.loads((ROOT / "firebase.json").read_text())
    text = json.dumps(config["hosting"]["headers"])
    assert "127.0.0.1" not in text and "localhost" not in text
    blocks = [b.get("source") for b in config["hosting"]["headers"]]
    assert blocks.index("/embed/**") > blocks.index("**")  # later blocks win for the same header


def test_the_app_and_embedded_documents_have_their_own_policies() -> None:
    app = web.get(f"{PORTAL}/", timeout=30)
    csp = policy(app.headers["content-security-policy"])
    # Beyond the portal itself, only Google's reCAPTCHA, which Firebase's SMS second factor needs.
    recaptcha = "https://www.google.com/recaptcha/"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["frame-src"] == f"'self' {recaptcha} https://recaptcha.google.com/recaptcha/"
    assert csp["script-src"] == f"'self' {recaptcha} https://www.gstatic.com/recaptcha/"
    assert "unsafe" not in app.headers["content-security-policy"]
    assert "http://127.0.0.1:9099" in csp["connect-src"]  # the development copy, under the emulators
    assert app.headers["x-frame-options"] == "DENY"

    embed = web.get(f"{PORTAL}/embed/example", timeout=30)
    csp = policy(embed.headers["content-security-policy"])
    assert csp["frame-ancestors"] == "'self'"
    assert embed.headers["x-frame-options"] == "SAMEORIGIN"


def test_only_the_assistants_document_may_load_openais_script() -> None:
    """The ChatKit web component's script is allowed in /embed/assistant/ alone; the app's
    policy and every other embedded document's stay as they were."""
    app = policy(web.get(f"{PORTAL}/", timeout=30).headers["content-security-policy"])
    assert "openai" not in " ".join(app.values())
    other = policy(web.get(f"{PORTAL}/embed/example", timeout=30).headers["content-security-policy"])
    assert "openai" not in " ".join(other.values())
    for path in ("/embed/assistant/index.html", "/embed/assistant/", "/embed/assistant"):  # however it is named
        r = web.get(f"{PORTAL}{path}", timeout=30, follow_redirects=True)
        assert r.status_code == 200 and "/embed/assistant/embed.js" in r.text, (path, r.url)
        csp = policy(r.headers["content-security-policy"])
        assert csp["script-src"] == "'self' https://cdn.platform.openai.com", (path, r.url)
        assert csp["frame-ancestors"] == "'self'" and r.headers["x-frame-options"] == "SAMEORIGIN"
        assert "unsafe" not in r.headers["content-security-policy"]


def test_documents_revalidate_and_hashed_assets_are_kept_for_a_year() -> None:
    """Across a release: the app's document (at any of its addresses) and every file not named
    by its hash are revalidated on each use, so a new release is seen at once; the hashed files
    under /assets/ never change and are kept; the API's answers keep their own caching."""
    html = (ROOT / "hosting" / "dist" / "index.html").read_text()
    entry = re.search(r'src="(/assets/index-[^"]+\.js)"', html)
    assert entry, "the build names its entry script under /assets/"
    for path in ("/", "/index.html", "/projects", "/projects/some-id", "/login", "/favicon.svg", "/embed/assistant"):
        r = web.get(f"{PORTAL}{path}", timeout=30, follow_redirects=True)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "no-cache", (path, r.headers.get("cache-control"))
    for path in (entry.group(1), *re.findall(r'href="(/assets/[^"]+\.css)"', html)):
        r = web.get(f"{PORTAL}{path}", timeout=30)
        assert r.status_code == 200, path
        assert r.headers["cache-control"] == "public, max-age=31536000, immutable", path
    api = web.get(f"{PORTAL}/api/auth/config", timeout=30)
    assert api.headers["cache-control"] == "private, no-store"  # the function's own (Set-Cookie needs private)


def test_error_tracking_may_reach_sentrys_ingest_only() -> None:
    """The app's policy allows Sentry's ingest hosts (a browser DSN is optional, README
    "Error tracking"); no other document's policy does, and the emulators' copy adds the
    browser tests' local stand-in."""
    config = json.loads((ROOT / "firebase.json").read_text())
    for block in config["hosting"]["headers"]:
        for header in block["headers"]:
            if header["key"] == "Content-Security-Policy":
                sentry = "https://*.ingest.sentry.io" in policy(header["value"]).get("connect-src", "")
                assert sentry == (block.get("source") == "**"), block.get("source")
    app = policy(web.get(f"{PORTAL}/", timeout=30).headers["content-security-policy"])
    assert "https://*.ingest.sentry.io" in app["connect-src"] and "http://127.0.0.1:9916" in app["connect-src"]
