"""How Hosting caches across a release, without emulators: firebase.json's Cache-Control
blocks are RE2 ``regex`` blocks (in production and in the emulator alike); documents and
unhashed files revalidate, hashed assets are kept for a year, the API keeps its own caching."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "hosting" / "dist"


def _cache_rules() -> list[tuple[re.Pattern[str], str]]:
    config = json.loads((ROOT / "firebase.json").read_text())
    rules = []
    for block in config["hosting"]["headers"]:
        for header in block["headers"]:
            if header["key"].lower() == "cache-control":
                assert "regex" in block, "Cache-Control blocks are regular expressions (RE2): globs cannot exclude /api"
                assert not re.search(r"\(\?[=!<]|\\[1-9]", block["regex"]), "RE2 has no lookaround or backreferences"
                rules.append((re.compile(block["regex"]), header["value"]))
    return rules


def _cache_control(path: str) -> str | None:
    value = None
    for pattern, header in _cache_rules():
        if pattern.search(path):
            value = header  # Hosting: the last matching block wins
    return value


@pytest.mark.parametrize(
    "path",
    ["/", "/index.html", "/projects", "/projects/abc", "/login", "/favicon.svg", "/robots.txt", "/embed/assistant",
     "/embed/bookings/index.html", "/demo/logo-concepts.svg", "/a", "/ap", "/apis", "/apix/y", "/assets/unhashed.js",
     "/assets/logo.svg"],
)  # fmt: skip
def test_documents_and_unhashed_files_revalidate(path: str) -> None:
    assert _cache_control(path) == "no-cache"


@pytest.mark.parametrize("path", ["/api", "/api/", "/api/auth/config", "/api/files/x/download"])
def test_the_api_keeps_its_own_caching(path: str) -> None:
    assert _cache_control(path) is None


def test_hashed_assets_are_immutable() -> None:
    year = "public, max-age=31536000, immutable"
    assert _cache_control("/assets/index-Ca9-wUC7.js") == year
    assert _cache_control("/assets/index-4NFEPWkC-BHL4syWq.js") == year
    assert _cache_control("/assets/index-DbXQH8zG.css") == year
    if DIST.exists():  # every file the build writes under assets/ is named by its hash
        built = [p.name for p in (DIST / "assets").iterdir()]
        assert built and all(_cache_control(f"/assets/{name}") == year for name in built), built
