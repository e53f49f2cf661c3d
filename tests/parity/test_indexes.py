"""Every Firestore query the portal ran during this test run has the indexes a real project
needs for it in ``firestore.indexes.json`` (the emulator runs any query; production refuses
one without its index). The functions, triggers, task handlers, the admin CLI and the seed
record each query's shape (``portal/querylog.py``, switched on by ``FIRESTORE_QUERY_LOG`` in
the test project's settings); this test runs after every other one and reads them."""

from __future__ import annotations

import json

import helpers
import indexes
import pytest
from env import ROOT

from portal import querylog

pytestmark = pytest.mark.last


def describe(query: dict) -> str:
    scope = "collection group" if query["group"] else "collection"
    where = " OR ".join(" AND ".join(f"{f} {op}" for f, op in branch) for branch in query["filters"] if branch)
    order = ", ".join(f"{f} {d}" for f, d in query["orders"])
    return f"{scope} {query['collection']!r}" + (f" where {where}" if where else "") + (f" by {order}" if order else "")


def test_every_query_the_portal_ran_has_its_indexes(request: pytest.FixtureRequest) -> None:
    helpers.settle()  # what the last tests' functions still run is recorded too
    log = querylog.log_path()
    assert log is not None, "FIRESTORE_QUERY_LOG is not set for the test project (functions/.env.demo-portal-test)"
    queries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    if len(request.session.items) > 1:
        assert queries, f"no query was recorded in {log}: is portal.querylog installed by db.connect?"
    gaps = indexes.missing(queries, indexes.Indexes.load(ROOT / "firestore.indexes.json"))
    assert not gaps, f"{len(gaps)} queries need an index firestore.indexes.json does not declare:\n" + "\n".join(
        f"- {query['at']}: {describe(query)}\n  add to {next(iter(need.entry()))}: "
        f"{json.dumps(next(iter(need.entry().values())))}"
        for query, need in gaps
    )
