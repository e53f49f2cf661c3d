"""Every Firestore query the portal runs, recorded by its shape, where ``FIRESTORE_QUERY_LOG``
names a file (the test suite's project sets it; a deployment does not).

The emulator runs any query; a real project refuses one that no index serves
(``FAILED_PRECONDITION``). So that no query reaches production without its index, every
process of the test run (functions, triggers, task handlers, the admin CLI, the seed) appends
the shape of each query it runs to that file, once per shape and process: the collection or
collection group, each filter's field and operator, each ordering. ``tests/production/
test_indexes.py`` derives the indexes those shapes require and fails, naming the query and the
missing entry, when ``firestore.indexes.json`` lacks one.

Only queries the project's own code runs are recorded (the nearest caller outside the
libraries is under the functions' directory); a test's own reads are not production's.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

FUNCTIONS_DIR = Path(__file__).resolve().parents[1]
_LIBRARIES = (str(FUNCTIONS_DIR / "venv"), os.path.dirname(os.__file__), str(Path(__file__).resolve()))
_seen: set[str] = set()
_lock = threading.Lock()
_installed: list[Path] = []


def log_path() -> Path | None:
    """The file queries are recorded in (a relative path is from the functions' directory)."""
    value = os.environ.get("FIRESTORE_QUERY_LOG", "").strip()
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else (FUNCTIONS_DIR / path).resolve()


def install() -> None:
    """Record queries from now on in this process, when a log file is configured (idempotent)."""
    path = log_path()
    if path is None or _installed:
        return
    from google.cloud.firestore_v1 import base_query

    original = base_query.BaseQuery._to_protobuf

    def _to_protobuf(self: Any) -> Any:
        pb = original(self)
        with contextlib.suppress(Exception):  # recording never changes what the query does
            record(pb)
        return pb

    base_query.BaseQuery._to_protobuf = _to_protobuf  # type: ignore[method-assign]
    _installed.append(path)


def _caller() -> str | None:
    """``file:line`` of the nearest caller outside the libraries, if it is the project's code."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_LIBRARIES) and not filename.startswith("<"):
            if filename.startswith(str(FUNCTIONS_DIR)):
                return f"{os.path.relpath(filename, FUNCTIONS_DIR)}:{frame.f_lineno}"
            return None
        frame = frame.f_back  # type: ignore[assignment]
    return None


def shape(pb: Any) -> dict[str, Any]:
    """The parts of a ``StructuredQuery`` that decide which indexes it needs: its collection
    (or collection group), its filters as alternatives each of which is a list of
    ``[field, operator]`` that all hold (an ``OR`` needs an index for each alternative), and
    its orderings."""
    source = pb.from_[0]

    def alternatives(f: Any) -> list[list[list[str]]]:
        kind = f._pb.WhichOneof("filter_type")
        if kind == "field_filter":
            return [[[f.field_filter.field.field_path, f.field_filter.op.name]]]
        if kind == "unary_filter":
            return [[[f.unary_filter.field.field_path, f.unary_filter.op.name]]]
        parts = [alternatives(inner) for inner in f.composite_filter.filters]
        if f.composite_filter.op.name == "OR":
            return [branch for part in parts for branch in part]
        combined: list[list[list[str]]] = [[]]
        for part in parts:
            combined = [done + branch for done in combined for branch in part]
        return combined

    filters = alternatives(pb.where) if pb._pb.HasField("where") else [[]]
    orders = [[o.field.field_path, o.direction.name] for o in pb.order_by]
    group = bool(source.all_descendants)
    return {"collection": source.collection_id, "group": group, "filters": filters, "orders": orders}


def record(pb: Any) -> None:
    if not _installed:
        return
    at = _caller()
    if at is None:
        return
    entry = {**shape(pb), "at": at}
    key = json.dumps(entry, sort_keys=True)
    with _lock:
        if key in _seen:
            return
        _seen.add(key)
    line = (json.dumps(entry, sort_keys=True) + "\n").encode()
    _installed[0].parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_installed[0], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # one write per line: lines from many processes do not interleave
    finally:
        os.close(fd)
