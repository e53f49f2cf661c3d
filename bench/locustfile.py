"""The people of a load run (``bench/load.py`` seeds them and starts locust with this file).

Each simulated person signs in as one seeded account (``LOAD_ACCOUNTS``) and clicks through
the portal with 1-3 s between clicks; a decision is made only on the person's own items, each
once. The ``Server-Timing`` of every answer is gathered per endpoint and written to
``LOAD_TIMINGS`` when the run stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from typing import Any

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

ACCOUNTS: list[dict[str, Any]] = []
if "LOAD_ACCOUNTS" in os.environ:
    with open(os.environ["LOAD_ACCOUNTS"]) as f:
        ACCOUNTS = json.load(f)
DECIDE = slice(*(int(i) for i in os.environ.get("LOAD_DECIDE", "0:3").split(":")))
"""The person's items this run decides (each item once over the warm-ups and runs of a bench)."""
NEXT = itertools.count()
STARTED = time.monotonic()
FAILURES: list[dict[str, Any]] = []
TIMINGS: dict[str, dict[str, list[float]]] = {}
APP = re.compile(r"app;dur=([\d.]+)")


@events.request.add_listener
def _timing(name: str, response: Any, exception: Any, **_: Any) -> None:
    match = APP.search(response.headers.get("Server-Timing", "")) if response is not None else None
    if match:
        TIMINGS.setdefault(name, {"app": []})["app"].append(float(match.group(1)))


@events.quitting.add_listener
def _write(**_: Any) -> None:
    if "LOAD_TIMINGS" in os.environ:
        with open(os.environ["LOAD_TIMINGS"], "w") as f:
            json.dump({"timings": TIMINGS, "failures": FAILURES}, f)


def _failed(response: Any, name: str, cause: str) -> None:
    """A failure with its moment (seconds since the run started), to be read beside the
    server's logs: what answered, with which status and body."""
    FAILURES.append({
        "at": round(time.monotonic() - STARTED, 2), "time": time.time(), "name": name, "cause": cause,
        "status": response.status_code, "body": (response.text or "")[:300], "server": response.headers.get("Server"),
        "requestId": response.headers.get("X-Request-Id"),
    })  # fmt: skip
    response.failure(cause)


class Person(FastHttpUser):
    """geventhttpclient rather than requests: the load generator shares the cores with what
    it measures, so the less it spends per request, the less it skews the figures."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = ACCOUNTS[next(NEXT) % len(ACCOUNTS)]
        self.headers = {"Authorization": f"Bearer {self.account['token']}"}
        self.to_decide = self.account["decide"][DECIDE]
        self.get("/api/auth/me", "/api/auth/me")

    def get(self, path: str, name: str) -> None:
        self.send_request("GET", path, f"GET {name}")

    def send_request(self, method: str, path: str, name: str, body: Any = None) -> None:
        """A request; a failure is named by what answered: the portal always answers with a
        JSON error, a bare 500 is the Functions emulator dropping its worker's connection."""
        with self.client.request(
            method, path, name=name, json=body, headers=self.headers, catch_response=True
        ) as response:
            if response.status_code < 400:
                response.success()
            elif response.status_code == 0:
                _failed(response, name, f"no answer: {response.error}")
            elif response.status_code == 500 and not response.content:
                _failed(response, name, "emulator: bare 500, the worker's connection dropped (no portal answer)")
            else:
                try:
                    code = response.json()["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = None
                who = "portal" if code else "not the portal (no JSON error)"
                _failed(response, name, f"{who}: {response.status_code} {code or response.text[:80]!r}")

    @task(4)
    def dashboard(self) -> None:
        self.get("/api/dashboard", "/api/dashboard")
        self.get("/api/notifications/unread", "/api/notifications/unread")

    @task(3)
    def projects(self) -> None:
        self.get("/api/projects", "/api/projects")
        self.get(f"/api/projects/{random.choice(self.account['projects'])}", "/api/projects/{id}")

    @task(3)
    def approvals(self) -> None:
        self.get("/api/approvals", "/api/approvals")
        self.get(f"/api/approvals/{random.choice(self.account['decide'])}", "/api/approvals/{id}")

    @task(1)
    def decide(self) -> None:
        if not self.to_decide:
            return
        approval_id = self.to_decide.pop()
        self.send_request(
            "POST",
            f"/api/approvals/{approval_id}/action",
            "POST /api/approvals/{id}/action",
            {"action": "request_revision", "comment": "Bolder, please.", "version": 1},
        )

    @task(2)
    def messages(self) -> None:
        self.get("/api/messages", "/api/messages")
        self.get(f"/api/messages/{random.choice(self.account['threads'])}", "/api/messages/{id}")

    @task(1)
    def send(self) -> None:
        thread = random.choice(self.account["threads"])
        self.send_request(
            "POST", f"/api/messages/{thread}", "POST /api/messages/{id}", {"body": "Thanks — looks good to us."}
        )

    @task(2)
    def notifications(self) -> None:
        self.get("/api/notifications", "/api/notifications")
