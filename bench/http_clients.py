"""A request through an adapter's shared httpx client against a client built for the request.

Until this version the Drive adapter's byte transfers, the Whop adapter (per call of
``billing.adapter()``) and the outbound deliveries built an ``httpx.Client`` for every
request; building one makes a TLS context. Now each adapter keeps one client
(``portal/integrations/httpclients.py``). Both are measured in the same run, alternating
sample by sample so that machine noise hits both alike, against local stand-ins over real
HTTP on 127.0.0.1:

- the Drive stand-in (HTTP/1.1, keeps connections), asked where an upload stands
  (``Drive.upload_status``: a ``PUT`` with ``Content-Range``), the way the adapter does it
  now and, as the baseline, with a client of its own like before;
- the Slack and n8n stand-in (it closes every connection, as an HTTP/1.0 server), posting a
  message through ``outbound.http.post`` now and through a client of its own like before;
- both again from 8 threads at once (an instance serving concurrent requests): requests per
  second.

The stand-ins speak plain HTTP, so neither side pays a TLS handshake here; against Google,
Whop or Slack a client built per request also opens a new TLS connection every time, which
the shared client's kept connections avoid. Reported: medians (ms) and their ratio.

    functions/venv/bin/python bench/http_clients.py [--requests 200] [--threads 8]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "dev"))

import httpx  # noqa: E402
from standins import drive as drive_standin  # noqa: E402
from standins.server import Recorder, serve  # noqa: E402

from portal.integrations.drive import Drive  # noqa: E402
from portal.integrations.drive.adapter import TIMEOUT as DRIVE_TIMEOUT  # noqa: E402
from portal.integrations.outbound import http as outbound_http  # noqa: E402

Request = Callable[[], None]


def cases() -> tuple[dict[str, tuple[Request, Request]], list[Callable[[], None]]]:
    """Each case's (a client per request, the shared client), and what stops the stand-ins."""
    drive_standin_ = drive_standin.DriveStandIn()
    drive_server = drive_standin.serve(drive_standin_)
    drive = Drive("root", api_url=drive_standin_.base_url)
    size = 10 * 1024 * 1024
    session = drive.start_upload(name="bench.bin", mime_type="application/octet-stream", size=size, parent_id="root")
    status_headers = {"Content-Range": f"bytes */{size}", "Content-Length": "0"}

    def drive_per_call() -> None:  # the adapter before: a client per request
        with httpx.Client(timeout=DRIVE_TIMEOUT) as client:
            assert client.request("PUT", session, headers=status_headers).status_code == 308

    def drive_shared() -> None:
        assert drive.upload_status(session, size).offset == 0

    recorder = Recorder()
    hooks_server = serve(recorder.handle, 0)
    slack = f"http://127.0.0.1:{hooks_server.server_address[1]}/slack"
    body = b'{"text":"A file was uploaded to Website redesign."}'
    headers = {"Content-Type": "application/json"}

    def slack_per_call() -> None:  # outbound.http.post before: a client per request
        with httpx.Client(timeout=outbound_http.TIMEOUT) as client:
            assert client.post(slack, content=body, headers=headers).status_code == 200

    def slack_shared() -> None:
        assert outbound_http.post(slack, body, {}, None).status_code == 200

    def stop() -> None:
        drive_server.shutdown()
        hooks_server.shutdown()
        drive_standin_.close()

    return {
        "Drive upload status (stand-in keeps connections)": (drive_per_call, drive_shared),
        "Slack POST (stand-in closes each connection)": (slack_per_call, slack_shared),
    }, [stop, recorder.reset]


def timed(request: Request) -> float:
    start = time.perf_counter()
    request()
    return time.perf_counter() - start


def throughput(request: Request, threads: int, each: int) -> float:
    """Requests per second with ``threads`` threads making ``each`` requests at once."""
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        barrier.wait()
        for _ in range(each):
            request()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter()
    for worker in workers:
        worker.join()
    return threads * each / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="samples of each way, per case")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    measured, cleanup = cases()
    ratios: list[float] = []
    print(f"a request to a local stand-in, median of {args.requests} each (alternating)")
    print(f"  {'case':<52} {'per request':>12} {'shared':>9} {'ratio':>7}")
    for name, (per_call, shared) in measured.items():
        for request in (per_call, shared, per_call, shared):  # warm both up
            request()
        times: dict[str, list[float]] = {"per request": [], "shared": []}
        for _ in range(args.requests):
            times["per request"].append(timed(per_call))
            times["shared"].append(timed(shared))
        before, now = (statistics.median(times[key]) for key in ("per request", "shared"))
        ratios.append(before / now)
        print(f"  {name:<52} {before * 1000:9.2f} ms {now * 1000:6.2f} ms {before / now:6.1f}x")
    each = max(1, args.requests // args.threads)
    print(f"{args.threads} threads at once, {each} requests each: requests per second")
    for name, (per_call, shared) in measured.items():
        before, now = throughput(per_call, args.threads, each), throughput(shared, args.threads, each)
        print(f"  {name:<52} {before:9.0f}/s {now:7.0f}/s {now / before:6.1f}x")
    print(f"ratio a client per request / the shared client, the smaller: {min(ratios):.1f}")
    for step in cleanup:
        step()


if __name__ == "__main__":
    main()
