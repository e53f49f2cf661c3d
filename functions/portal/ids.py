"""The ids a caller may name, checked once for every path parameter and query id.

Letters, digits, ``_`` and ``-``, at most 128, and not of the form ``__name__``, which
Firestore reserves (a reserved id in a document path makes the client library raise).
The same pattern is the one the OpenAPI document publishes.
"""

from __future__ import annotations

import re

PATTERN = r"^(?!__.*__$)[A-Za-z0-9_-]{1,128}$"
_ID = re.compile(PATTERN)


def valid(value: object) -> bool:
    return isinstance(value, str) and _ID.fullmatch(value) is not None
