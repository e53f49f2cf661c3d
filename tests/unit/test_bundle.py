"""The first bundle stays small: what index.html loads before the first paint (the entry
script, its static imports and the stylesheet) is within 60 KB gzip, and the Firestore SDK
of the live updates is not in it (it is a chunk of its own, loaded after the first paint).
Checks the build that Hosting serves (`npm run build`; `make test` builds first)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

DIST = Path(__file__).resolve().parents[2] / "hosting" / "dist"
FIRST_BUNDLE_LIMIT = 60 * 1024


def _first_load() -> list[Path]:
    html = (DIST / "index.html").read_text()
    refs = re.findall(r'(?:src|href)="/(assets/[^"]+\.(?:js|css))"', html)
    files, todo = [], [DIST / r for r in refs]
    while todo:
        path = todo.pop()
        if path in files:
            continue
        files.append(path)
        if path.suffix == ".js":
            # Static imports only (`from"./x.js"` / `import"./x.js"`), not import("./x.js").
            for name in re.findall(r'(?:from|import)\s*"\./([^"]+\.js)"', path.read_text()):
                todo.append(path.parent / name)
    return files


@pytest.mark.skipif(not (DIST / "index.html").exists(), reason="the frontend is not built")
def test_first_bundle_is_within_60_kb_gzip_and_holds_no_firestore() -> None:
    files = _first_load()
    size = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    assert size <= FIRST_BUNDLE_LIMIT, f"{size} bytes gzip: {[p.name for p in files]}"
    for path in files:
        text = path.read_text()
        assert "firestore.googleapis.com" not in text and "onSnapshot" not in text, path.name
    assert any(p.name.startswith("live-sdk") for p in (DIST / "assets").iterdir())
