"""Cost of search at 10 and at 1,000 indexed items per organisation, and of indexing.

Two client organisations of N items each (projects whose names and descriptions are
drawn from a fixed vocabulary, so some words are common and some rare) are indexed as
the triggers index them. For each query it counts the first page's results (``hits``, at
most 20), Firestore document reads (billing's rule, as bench/dashboard.py counts them) and
round trips (RPCs, all sequential), for a client (one organisation, entries for everyone
only) and for staff (every client).

The design measured: one equality filter per query word on the entry's ``terms`` map,
which Firestore answers by merging single-field indexes, so only matching entries are
read. Alongside, in the same run, the alternative the index also allows: look up the
first word only (``array_contains``-style) and filter the other words in memory, reading
candidates until a page is full; and the naive scan of every entry.

Indexing one item (``portal.search.index.reindex``): the transaction's round trips, reads
and writes, for a new item, a change that touches searched text, and one that does not.

    make bench           # starts the Firestore emulator around this script
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "functions"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import Meter

from portal import db
from portal.identity import Caller, OrgKind, Role
from portal.orgs import service as orgs
from portal.search import index, service, text
from portal.search.kinds import KINDS

SIZES = (10, 1000)
RUNS = 15
LIMIT = 20
COMMON = ["brand", "campaign", "design", "video", "launch", "report", "social", "website"]
RARE = [f"{w}{i}q" for i, w in enumerate(["zephyr", "quokka", "marimba", "origami", "tundra"] * 40)]
PLAIN = ["for", "the", "new", "spring", "summer", "annual", "print", "copy", "edit", "cut", "final", "draft"]


class WriteMeter(Meter):
    """Also counts transaction round trips and the writes committed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        api = db.client()._firestore_api
        for name in ("begin_transaction", "commit", "rollback"):
            setattr(api, name, self._plain(name, getattr(api, name)))

    def _plain(self, name: str, call: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.rpcs += 1
            if name == "commit":
                request = kwargs.get("request") or (args[0] if args else {})
                self.writes += len(request.get("writes", []) if isinstance(request, dict) else request.writes)
            return call(*args, **kwargs)

        return counted

    def measure_writes(self, fn: Any) -> tuple[int, int, int]:
        self.rpcs = self.reads = self.writes = 0
        fn()
        return self.reads, self.writes, self.rpcs


def seed(size: int, suffix: str) -> str:
    org_id = f"search-{size}-{suffix}"
    orgs.create_org(f"Search {size} {suffix}", OrgKind.CLIENT, org_id=org_id, actor_label="bench")
    rnd = random.Random(f"{size}{suffix}")
    batch, pending = db.batch(), 0
    store = db.system(org_id)
    for i in range(size):
        words = [rnd.choice(COMMON), rnd.choice(PLAIN), rnd.choice(COMMON)]
        name = f"{words[0].title()} {words[1]} {i:04d}"
        description = " ".join([*words, RARE[i % len(RARE)], *rnd.sample(PLAIN, 6)]) + "."
        data = {"id": f"p{i:05d}", "orgId": org_id, "name": name, "description": description, "status": "active"}
        ref = store.project(f"p{i:05d}")
        batch.set(ref, data)
        found = index.entry(KINDS["project"], {"orgId": org_id, "projectId": ref.id}, data)
        batch.set(store.search_entry(f"project:{ref.id}"), found)
        pending += 2
        if pending >= 400:
            batch.commit()
            batch, pending = db.batch(), 0
    if pending:
        batch.commit()
    return org_id


def first_word_only(caller: Caller, q: str) -> dict[str, Any]:
    """The alternative: one term looked up, the other words filtered here, until a page is full."""
    wanted = text.query_terms(q)
    query = db.system(caller.org_id).search_index().where(filter=db.eq(service._term(wanted[0]), True))
    query = query.where(filter=db.eq("audience", "org"))
    found = 0
    for snap in query.stream():
        terms = snap.get("terms") or {}
        if all(t in terms for t in wanted[1:]):
            found += 1
            if found == LIMIT:
                break
    return {"groups": [{"items": [None] * found}]}


def scan(caller: Caller, q: str) -> dict[str, Any]:
    """The naive baseline: read every entry of the organisation and match here."""
    wanted = text.query_terms(q)
    found = [
        s for s in db.system(caller.org_id).search_index().stream() if all(t in (s.get("terms") or {}) for t in wanted)
    ]
    return {"groups": [{"items": found[:LIMIT]}]}


def main() -> None:
    meter = WriteMeter()
    rows: list[tuple[str, int, str, list[int], list[int], float, int]] = []
    writes: list[tuple[str, tuple[int, int, int]]] = []
    for size in SIZES:
        org_id = seed(size, "a")
        seed(size, "b")  # a second client of the same size: staff search both
        client = Caller(uid="bench", email="owner@bench.test", role=Role.CLIENT_OWNER, org_id=org_id)
        staff = Caller(uid="ops", email="ops@bench.test", role=Role.AJ_OPS, org_id="agency")
        queries = {
            "common word": "brand",
            "common prefix": "camp",
            "two common words": "brand video",
            "rare word": RARE[3],
            "no match": "xylophone",
        }
        for label, q in queries.items():
            cases = {
                "client": lambda q=q, c=client: service.search(c, q, limit=LIMIT),
                "staff, all clients": lambda q=q, c=staff: service.search(c, q, limit=LIMIT),
                "client, first word only": lambda q=q, c=client: first_word_only(c, q),
            }
            if label in ("common word", "two common words"):
                cases["client, scan"] = lambda q=q, c=client: scan(c, q)
            for who, fn in cases.items():
                out = fn()
                hits = sum(len(g["items"]) for g in out["groups"]) if isinstance(out, dict) else 0
                samples = [meter.measure(fn) for _ in range(RUNS)]
                reads, rpcs = sorted({s[0] for s in samples}), sorted({s[1] for s in samples})
                rows.append((f"{label} ({who})", size, q, reads, rpcs, statistics.median(s[2] for s in samples), hits))
        if size == SIZES[-1]:
            params = {"orgId": org_id, "projectId": "p00000"}
            store = db.system(org_id)
            store.search_entry("project:p00000").delete()
            writes.append(("new item", meter.measure_writes(lambda p=params: index.reindex("project", p))))
            store.project("p00000").update({"status": "paused"})
            writes.append(
                ("change, nothing searched", meter.measure_writes(lambda p=params: index.reindex("project", p)))
            )
            store.project("p00000").update({"description": "Wordmark refresh for spring."})
            writes.append(
                ("change to searched text", meter.measure_writes(lambda p=params: index.reindex("project", p)))
            )
            store.project("p00000").delete()
            writes.append(("item deleted", meter.measure_writes(lambda p=params: index.reindex("project", p))))
            entries = [s.to_dict() or {} for s in store.search_index().limit(200).stream()]
            sizes = [len(e.get("terms") or {}) for e in entries]
            started = time.perf_counter()
            for i in range(1, 21):
                store.project(f"p{i:05d}").update({"description": f"Edited text number {i} for the timing."})
                index.reindex("project", {"orgId": org_id, "projectId": f"p{i:05d}"})
            per_item = (time.perf_counter() - started) / 20

    print(f"{'query (caller)':<44}{'items/org':>10}{'hits':>6}{'doc reads':>11}{'round trips':>13}{'median ms':>11}")
    for name, size, _q, reads, rpcs, median, hits in rows:
        print(f"{name:<44}{size:>10}{hits:>6}{'/'.join(map(str, reads)):>11}{'/'.join(map(str, rpcs)):>13}"
              f"{median * 1000:>11.1f}")  # fmt: skip
    print()
    print(f"{'indexing one item':<28}{'doc reads':>10}{'writes':>8}{'round trips':>13}")
    for name, (reads_, writes_, rpcs_) in writes:
        print(f"{name:<28}{reads_:>10}{writes_:>8}{rpcs_:>13}")
    print(f"terms per entry: median {statistics.median(sizes)}, max {max(sizes)} (cap: {text.MAX_WORDS} words "
          f"x prefixes of {text.MIN_TERM}-{text.MAX_TERM} characters)")  # fmt: skip
    print(f"re-indexing a changed item (update + reindex): {per_item * 1000:.1f} ms mean of 20")


if __name__ == "__main__":
    main()
