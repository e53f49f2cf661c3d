"""Stand-ins served over real HTTP on 127.0.0.1, for the functions emulator to call.

- :func:`serve` puts any ``httpx``-style handler (such as ``WhopStandIn.handle``) behind
  a threaded HTTP server.
- :func:`run` is every stand-in's ``python -m`` entry point: a port, a line saying where,
  and serving until killed.
- :class:`Recorder` is a Slack incoming webhook and an n8n webhook in one: it records
  what it receives and answers like them (``200 ok``), or fails on demand.
- ``python -m standins.server`` (from ``dev/``) runs the Whop stand-in with the demo
  memberships for ``make dev``: Acme past due, Globex current.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

WHOP_PORT = 9911
HOOKS_PORT = 9912


def serve(handler: Callable[[httpx.Request], httpx.Response], port: int) -> ThreadingHTTPServer:
    """Serve ``handler`` on 127.0.0.1:``port`` in a daemon thread; ``shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # headers and body are separate writes: send each at once

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(self.command, f"http://127.0.0.1:{port}{self.path}",
                                    headers=dict(self.headers.items()), content=body)  # fmt: skip
            response = handler(request)
            payload = response.read()
            self.send_response(response.status_code)
            for key, value in response.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(handler: Callable[[httpx.Request], httpx.Response], default_port: int, says: str) -> None:
    """A stand-in's ``python -m`` entry point: serve ``handler`` on the port given as the first
    argument (else ``default_port``), print ``says`` (``{port}`` filled in) and wait until killed."""
    import sys
    import time

    port = int(sys.argv[1]) if len(sys.argv) > 1 else default_port
    serve(handler, port)
    print(says.format(port=port), flush=True)
    while True:
        time.sleep(3600)


class Recorder:
    """Slack and n8n webhooks: ``/slack`` and ``/n8n`` record requests and answer like them."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.failures: dict[str, list[httpx.Response]] = {"/slack": [], "/n8n": []}
        self.lock = threading.Lock()

    def fail(self, path: str, status: int, times: int = 1, text: str = "error", headers: dict | None = None) -> None:
        """Answer the next ``times`` requests to ``path`` with ``status``."""
        self.failures[path].extend(httpx.Response(status, text=text, headers=headers or {}) for _ in range(times))

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            for queue in self.failures.values():
                queue.clear()

    def received(self, path: str) -> list[httpx.Request]:
        with self.lock:
            return [r for r in self.requests if r.url.path == path]

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            queue = self.failures.get(request.url.path)
            if queue:
                return queue.pop(0)
            self.requests.append(request)
        if request.url.path == "/slack" or request.url.path.startswith("/slack/"):
            return httpx.Response(200, text="ok")
        return httpx.Response(200, json={"received": True})


def demo_whop() -> Any:
    """The Whop stand-in with the demo company's memberships and payments, and the
    membership of a client the portal has no organisation for yet (its event waits on the
    "Needs attention" page)."""
    from portal.seed import DEMO_MEMBERSHIPS, DEMO_UNMATCHED_MEMBERSHIP
    from standins.whop import WhopStandIn

    whop = WhopStandIn(page_size=10)
    plan = whop.add_plan("plan_demoretainer1", title="Monthly retainer", price="4500.00",
                         product_title="Creative retainer")  # fmt: skip
    for org, membership_id in DEMO_MEMBERSHIPS.items():
        status = "past_due" if org == "acme" else "active"
        now = dt.datetime.now(dt.UTC)
        # Dates relative to today: a past-due membership's period ended when its payment
        # failed (two days ago); an active one renews in twelve days.
        period_end = now - dt.timedelta(days=2) if status == "past_due" else now + dt.timedelta(days=12)
        whop.add_membership(membership_id, plan_id=plan["id"], user_id=f"user_demo{org}", status=status,
                            created_at=now - dt.timedelta(days=100), current_period_end=period_end)  # fmt: skip
        for months in (3, 2, 1):
            whop.add_payment(membership_id=membership_id, total="4500.00",
                             created_at=now - dt.timedelta(days=30 * months))  # fmt: skip
        if status == "past_due":
            whop.add_payment(membership_id=membership_id, total="4500.00", status="open", substatus="failed",
                             created_at=now - dt.timedelta(days=2))  # fmt: skip
    joined = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    whop.add_membership(DEMO_UNMATCHED_MEMBERSHIP, plan_id=plan["id"], user_id="user_demoinitech",
                        created_at=joined, current_period_end=joined + dt.timedelta(days=30))  # fmt: skip
    whop.add_payment(membership_id=DEMO_UNMATCHED_MEMBERSHIP, total="4500.00", created_at=joined)
    return whop


def main() -> None:
    run(demo_whop().handle, WHOP_PORT, "Whop stand-in on http://127.0.0.1:{port}")


if __name__ == "__main__":
    main()
