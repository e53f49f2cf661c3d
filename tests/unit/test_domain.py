from __future__ import annotations

from portal import domain


def test_progress_and_next_due() -> None:
    ms = [
        {"id": "a", "done": True, "due": "2026-01-01"},
        {"id": "b", "done": False, "due": "2026-03-01"},
        {"id": "c", "done": False, "due": "2026-02-01"},
    ]
    assert domain.progress(ms, "active") == 33
    assert domain.progress([], "active") == 0
    assert domain.progress(ms, "completed") == 100
    assert domain.next_due(ms) == "2026-02-01"
    assert domain.derived(ms, "paused")["nextDue"] is None
    assert domain.derived(ms, "completed") == {"progress": 100, "nextDue": None}


def test_changes_ignore_bookkeeping_fields() -> None:
    before = {"name": "P", "status": "active", "milestones": [], "lastActivity": 1, "updatedAt": 1, "nextDue": None}
    after = {**before, "lastActivity": 2, "updatedAt": 2, "updatedBy": {"label": "x"}}
    assert domain.changes(before, after) == []


def test_changes_name_each_kind_of_change() -> None:
    before = {
        "name": "P",
        "status": "active",
        "milestones": [
            {"id": "a", "title": "A", "done": False, "due": "2026-01-01"},
            {"id": "b", "title": "B", "done": True},
            {"id": "c", "title": "C", "done": False},
        ],
    }
    after = {
        "name": "Q",
        "status": "review",
        "milestones": [
            {"id": "a", "title": "A", "done": True, "due": "2026-01-02"},
            {"id": "b", "title": "B", "done": False},
            {"id": "d", "title": "D", "done": False},
        ],
    }
    kinds = [c["type"] for c in domain.changes(before, after)]
    assert kinds == [
        "project.status_changed",
        "milestone.completed",
        "milestone.updated",
        "milestone.reopened",
        "milestone.added",
        "milestone.removed",
        "project.updated",
    ]
    assert domain.changes(None, after)[0]["type"] == "project.created"
    assert domain.changes(before, None)[0]["type"] == "project.deleted"


def test_what_a_write_announces_a_status_change_and_milestones_turning_done() -> None:
    before = {"status": "active", "milestones": [{"id": "a", "done": True}, {"id": "b", "done": False},
                                                 {"id": "c", "done": False}]}  # fmt: skip
    after = {"status": "review", "milestones": [{"id": "a", "done": True}, {"id": "b", "done": True},
                                                {"id": "c", "done": False}, {"id": "d", "done": True}]}  # fmt: skip
    assert domain.status_change(before, after) == ("active", "review")
    assert [m["id"] for m in domain.completed_milestones(before, after)] == ["b"]  # not "a" (was done), not "d" (new)
    # Creation, deletion and a write that moves neither announce nothing.
    for pair in [(None, after), (before, None), (before, {**before, "name": "Renamed", "progress": 40})]:
        assert domain.status_change(*pair) is None and domain.completed_milestones(*pair) == []
    reopened = {**before, "milestones": [{"id": "a", "done": False}, {"id": "b", "done": False}]}
    assert domain.completed_milestones(before, reopened) == []
    assert set(domain.STATUS_LABELS) == set(domain.PROJECT_STATUSES)
