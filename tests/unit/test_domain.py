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
