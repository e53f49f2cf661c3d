"""A burst of writes asks for many refreshes and gets one per organisation and window."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from firebase_admin import exceptions, functions

from portal.dashboard import summaries


class _Queue:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.due: list[dt.datetime] = []

    def enqueue(self, body: dict[str, Any], options: Any) -> str:
        if options.task_id in self.names:
            raise exceptions.ConflictError("A task with the same name already exists", cause=None)
        self.names.append(options.task_id)
        self.due.append(options.schedule_time)
        return options.task_id


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> _Queue:
    fake = _Queue()
    monkeypatch.setenv("SUMMARY_WINDOW_SECONDS", "3")
    monkeypatch.setattr(functions, "task_queue", lambda name, app=None: fake)
    monkeypatch.setattr(summaries, "refresh_org", lambda org_id: pytest.fail("refreshed inline"))
    return fake


def test_one_refresh_per_org_and_window(queue: _Queue) -> None:
    start = 1_000_000 * summaries.window_seconds()
    for i in range(400):  # 400 writes within one window
        summaries.request_refresh("acme", now=start + i * summaries.window_seconds() / 400)
    summaries.request_refresh("globex", now=start + 1)
    summaries.request_refresh("acme", now=start + summaries.window_seconds())  # the next window
    assert queue.names == ["summary-acme-1000000", "summary-globex-1000000", "summary-acme-1000001"]
    assert queue.due[0] == dt.datetime.fromtimestamp(start + summaries.window_seconds(), dt.UTC)


def test_without_a_queue_the_refresh_happens_now(monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[str] = []

    def unavailable(name: str, app: Any = None) -> Any:
        raise ValueError("no task queue here")

    monkeypatch.setattr(functions, "task_queue", unavailable)
    monkeypatch.setattr(summaries, "refresh_org", lambda org_id: done.append(org_id) or {})
    summaries.request_refresh("acme")
    assert done == ["acme"]


def test_a_task_run_early_waits_for_its_window_to_close(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    from portal import live

    poked: list[tuple] = []
    monkeypatch.setattr(live, "audience", lambda org_id: [f"{org_id}-people"])
    monkeypatch.setattr(live, "poke", lambda uids, topic, ref=None: poked.append((uids, topic, ref)) or 1)
    monkeypatch.setattr(summaries, "refresh_org", lambda org_id: {"orgId": org_id})
    window = int(time.time() // summaries.window_seconds())
    assert summaries.run_requested("acme", window) == {"orgId": "acme"}
    assert len(slept) == 1 and 0 < slept[0] <= summaries.window_seconds()
    assert summaries.run_requested("acme", window - 10) == {"orgId": "acme"} and len(slept) == 1
    assert summaries.run_requested("__x__", window - 10) == {}
    # Open dashboards are told once per refresh (portal.live), never for a refused id.
    assert poked == [(["acme-people"], "dashboard", "acme")] * 2


def test_the_emulators_unparsable_answer_means_queued(monkeypatch: pytest.MonkeyPatch) -> None:
    done: list[str] = []

    class _Emulator:
        def enqueue(self, body: dict[str, Any], options: Any) -> str:
            raise ValueError("Invalid resource name format.")  # after queueing the task

    monkeypatch.setattr(functions, "task_queue", lambda name, app=None: _Emulator())
    monkeypatch.setattr(summaries, "refresh_org", lambda org_id: done.append(org_id) or {})
    monkeypatch.setenv("FUNCTIONS_EMULATOR", "true")
    summaries.request_refresh("acme")
    assert done == []
    monkeypatch.delenv("FUNCTIONS_EMULATOR")
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    summaries.request_refresh("acme")
    assert done == ["acme"]


@pytest.mark.parametrize(("value", "seconds"), [(None, 3.0), ("0.5", 0.5), ("10", 10.0), ("0", 3.0), ("-1", 3.0),
                                                ("soon", 3.0)])  # fmt: skip
def test_the_window_is_a_setting(monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: float) -> None:
    if value is None:
        monkeypatch.delenv("SUMMARY_WINDOW_SECONDS", raising=False)
    else:
        monkeypatch.setenv("SUMMARY_WINDOW_SECONDS", value)
    assert summaries.window_seconds() == seconds
