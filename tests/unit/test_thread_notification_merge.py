"""One notification per thread per person, without the emulators: how a new message is
counted into it (``threads.merged``), what marking it read writes (``threads.read_if``)."""

from __future__ import annotations

from typing import Any

from portal.notifications import threads

ARGS: dict[str, Any] = {"uid": "u1", "org_id": "acme", "thread_id": "thr-1", "subject": "Launch",
                        "link": "/messages/thr-1", "preferences": {}, "mailable": True, "delay": 300}  # fmt: skip


def news(n: int, kind: str = "message", seq: int | None = None) -> threads.News:
    return threads.News(key=f"m-{n}", kind=kind, title=f"New message from Ops: “Launch” {n}", body=f"Text {n}",
                        name="Ops", seq=n if seq is None else seq)  # fmt: skip


def told(*items: threads.News, current: dict | None = None, read_seq: int = 0, now: float = 1000.0, **extra: Any
         ) -> dict | None:  # fmt: skip
    for item in items:
        current = threads.merged(current, item, read_seq=read_seq, now=now, **{**ARGS, **extra}) or current
    return current


def test_messages_are_counted_into_one_notification() -> None:
    one = told(news(2))
    assert one is not None
    assert one["count"] == 1 and one["title"] == "New message from Ops: “Launch” 2" and one["body"] == "Text 2"
    assert one["mail"] == "waiting" and one["mailAfter"] == 1300 and not one["read"] and one["seq"] == 2
    three = told(news(3), news(4), current=one, now=1100)
    assert three is not None
    assert three["count"] == 3 and three["title"] == "3 new messages in “Launch”" and three["body"] == "Ops: Text 4"
    assert three["at"] == 1100 and three["seq"] == 4 and [i["body"] for i in three["items"]] == ["Text 2", "Text 3",
                                                                                                 "Text 4"]  # fmt: skip
    assert three["mailAfter"] == 1300  # the same waiting period: one mail for the burst


def test_a_message_counted_or_read_already_changes_nothing() -> None:
    one = told(news(2))
    assert threads.merged(one, news(2), read_seq=0, now=1, **ARGS) is None  # a trigger delivered twice
    assert threads.merged(None, news(2), read_seq=2, now=1, **ARGS) is None  # the thread was read past it
    note = threads.News(key="n-1", kind="mention", title="t", body="b", name="Ops", seq=None)
    assert threads.merged(None, note, read_seq=99, now=1, **ARGS) is not None  # notes carry no number


def test_after_a_read_it_starts_again_and_the_strongest_kind_shows() -> None:
    one = told(news(2), news(3, kind="mention"), news(4))
    assert one is not None and one["kind"] == "mention" and one["count"] == 3
    read = {**one, "read": True, "count": 0, "items": [], "mail": "cancelled"}
    again = told(news(5), current=read, now=2000)
    assert again is not None
    assert again["count"] == 1 and again["kind"] == "message" and not again["read"]
    assert again["mail"] == "waiting" and again["mailAfter"] == 2300 and len(again["items"]) == 1
    assert again["keys"][-1] == "m-5" and "m-2" in again["keys"]


def test_channels_and_bounds() -> None:
    quiet = told(news(2), preferences={"message": "in_app"})
    assert quiet is not None and quiet["mail"] == "none" and quiet["channel"] == "in_app"
    assert (told(news(2), mailable=False) or {})["mail"] == "none"
    digest = told(news(2), preferences={"message": "digest"})
    assert digest is not None and digest["digested"] is False
    many = told(*[news(n) for n in range(2, 80)])
    assert many is not None and many["count"] == 78
    assert len(many["items"]) == threads.RECENT and len(many["keys"]) == threads.REMEMBERED


class Snap:
    def __init__(self, data: dict | None) -> None:
        self.data, self.exists, self.reference = data, data is not None, "ref"

    def to_dict(self) -> dict | None:
        return self.data


class Tx:
    def __init__(self) -> None:
        self.updates: list[tuple[Any, dict]] = []

    def update(self, ref: Any, change: dict) -> None:
        self.updates.append((ref, change))


def test_reading_marks_it_read_unless_it_tells_of_a_newer_message() -> None:
    waiting = {"uid": "u1", "read": False, "seq": 4, "thread": "thr-1", "mail": "waiting", "count": 3}
    tx = Tx()
    assert threads.read_if(tx, Snap(waiting), "u1", 4)
    change = tx.updates[0][1]
    assert change["read"] is True and change["count"] == 0 and change["items"] == [] and change["mail"] == "cancelled"
    for snap, uid, up_to in ((Snap(waiting), "u1", 3), (Snap(waiting), "u2", 9), (Snap(None), "u1", 9),
                             (Snap({**waiting, "read": True}), "u1", 9)):  # fmt: skip
        tx = Tx()
        assert not threads.read_if(tx, snap, uid, up_to) and tx.updates == []
