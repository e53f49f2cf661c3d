"""Text for the search index, with no Firestore in it: normalised words and their
prefixes (what an index entry holds), query terms, and plain-text snippets with
highlights as offsets.

Words are runs of letters and digits (``_`` and every other character separate them),
folded for matching: Unicode compatibility decomposition, combining marks dropped,
case folded (``Café`` and ``cafe`` match, ``Straße`` and ``strasse`` too). An entry holds
every prefix of its words from :data:`MIN_TERM` characters up to :data:`MAX_TERM`, so
one exact lookup per query word finds whole words and prefixes alike.

Offsets count Unicode code points (JavaScript: index ``Array.from(snippet)``), and
``[start, end)`` never crosses a character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..errors import BadRequest

WORD = re.compile(r"[^\W_]+")
MIN_TERM = 2
"""Shorter query words are ignored; shorter words are not indexed."""
MAX_TERM = 15
"""Longer words are indexed, and searched, by their first 15 characters."""
MAX_WORDS = 150
"""Distinct words indexed per item, title first: bounds an entry's size and write cost."""
MAX_TEXT = 4000
"""Characters of an item's text kept for snippets."""
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 6
SNIPPET = 160
"""Characters of a snippet (about two lines), ellipses aside."""
ELLIPSIS = "…"


def fold(text: str) -> str:
    """``text`` as it is compared: decomposed, without combining marks, case folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean(text: object) -> str:
    """Plain text on one line: whitespace runs (newlines included) become one space."""
    return " ".join(str(text).split()) if text else ""


def words(text: str) -> list[str]:
    """The distinct folded words of ``text`` in order of appearance, at most :data:`MAX_WORDS`."""
    seen: dict[str, None] = {}
    for word in WORD.findall(fold(text)):
        if len(word) >= MIN_TERM:
            seen.setdefault(word[:MAX_TERM], None)
            if len(seen) >= MAX_WORDS:
                break
    return list(seen)


def terms(items: Iterable[str]) -> set[str]:
    """Every prefix of ``items`` (folded words) from :data:`MIN_TERM` characters on."""
    return {word[:n] for word in items for n in range(MIN_TERM, len(word[:MAX_TERM]) + 1)}


def query_terms(q: str | None) -> list[str]:
    """The terms a query looks up (all must match: AND), or BadRequest saying what is wrong."""
    q = (q or "").strip()
    if not q:
        raise BadRequest("Type a word to search for.", code="empty_query")
    if len(q) > MAX_QUERY_CHARS:
        raise BadRequest(f"A search is at most {MAX_QUERY_CHARS} characters.", code="query_too_long")
    found: dict[str, None] = {}
    for word in WORD.findall(fold(q)):
        if len(word) >= MIN_TERM:
            found.setdefault(word[:MAX_TERM], None)
    if not found:
        raise BadRequest(f"Search for words of at least {MIN_TERM} letters or digits.", code="query_too_short")
    if len(found) > MAX_QUERY_WORDS:
        raise BadRequest(f"A search has at most {MAX_QUERY_WORDS} words.", code="too_many_words")
    return list(found)


def _matches(word: str, wanted: list[str]) -> bool:
    return any(part.startswith(t) for part in WORD.findall(fold(word)) for t in wanted)


def highlights(text: str, wanted: list[str]) -> list[list[int]]:
    """``[start, end)`` of every word of ``text`` that one of the terms ``wanted`` begins."""
    return [[m.start(), m.end()] for m in WORD.finditer(text) if _matches(m.group(), wanted)]


def snippet(text: str, wanted: list[str], width: int = SNIPPET) -> tuple[str, list[list[int]]]:
    """About ``width`` characters of ``text`` around its first match, cut at spaces, with
    an ellipsis where text was left out, and the highlights within it."""
    spans = highlights(text, wanted)
    if len(text) <= width:
        return text, spans
    start = 0
    if spans and spans[0][1] > width * 2 // 3:
        start = spans[0][0] - width // 3
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space > start - 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > end - 20 else end
    lead = ELLIPSIS if start > 0 else ""
    piece = lead + text[start:end].strip() + (ELLIPSIS if end < len(text) else "")
    shift = len(lead) - start - (len(text[start:end]) - len(text[start:end].lstrip()))
    inside = [[a + shift, b + shift] for a, b in spans if a >= start and b <= end]
    return piece, inside
