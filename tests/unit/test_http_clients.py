"""The adapters' HTTP clients: built once and shared by threads (httpx), one per thread
(httplib2, for the Google discovery clients), and never inherited by a forked child."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httplib2
import pytest
from standins.server import Recorder, serve

from portal.integrations import googleapi, whop
from portal.integrations.httpclients import SharedClient
from portal.integrations.outbound import http as outbound_http
from portal.integrations.outbound import send_n8n, send_slack


def on_another_thread(fn: Callable[[], Any]) -> Any:
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(fn()))
    worker.start()
    worker.join(10)
    return out[0]


def in_a_forked_child(fn: Callable[[], bool]) -> bool:
    """Whether ``fn()`` is true in a child forked from this process."""
    pid = os.fork()
    if pid == 0:  # the child: report through the exit status, run nothing else
        code = 1
        try:
            code = 0 if fn() else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def test_a_shared_client_is_built_once_and_shared_by_threads() -> None:
    shared = SharedClient(timeout=5.0)
    client = shared.get()
    assert shared.get() is client and on_another_thread(shared.get) is client
    assert client.timeout.read == 5.0
    shared.close()
    assert client.is_closed and shared.get() is not client


def test_a_forked_child_builds_its_own_client_and_leaves_the_parents_open() -> None:
    shared = SharedClient()
    client = shared.get()
    assert in_a_forked_child(lambda: shared.get() is not client and not client.is_closed)
    assert shared.get() is client and not client.is_closed


def test_google_requests_go_over_their_own_threads_transport() -> None:
    api = googleapi.service(googleapi.discovery_document("drive.v3", "http://127.0.0.1:9/"), None)

    def transport() -> Any:
        return api.files().get(fileId="x").http

    mine = transport()
    assert isinstance(mine, httplib2.Http) and transport() is mine  # kept: its connection is reused
    other = on_another_thread(transport)
    assert isinstance(other, httplib2.Http) and other is not mine
    assert in_a_forked_child(lambda: transport() is not mine)


def test_an_injected_google_transport_is_used_as_given() -> None:
    given = httplib2.Http()
    api = googleapi.service(googleapi.discovery_document("calendar.v3"), None, http=given)
    assert api.events().list(calendarId="c").http is given
    assert on_another_thread(lambda: api.events().list(calendarId="c").http) is given


@pytest.fixture
def hooks() -> Iterator[tuple[Recorder, str]]:
    recorder = Recorder()
    server = serve(recorder.handle, 0)
    yield recorder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_outbound_deliveries_share_one_client(hooks: tuple[Recorder, str]) -> None:
    recorder, url = hooks
    send_slack(f"{url}/slack", "first")
    client = outbound_http._CLIENT.get()
    send_n8n(f"{url}/n8n", "secret", {"event": "second"})
    on_another_thread(lambda: send_slack(f"{url}/slack", "third"))
    assert outbound_http._CLIENT.get() is client and not client.is_closed
    assert [r.url.path for r in recorder.requests] == ["/slack", "/n8n", "/slack"]
    assert "x-portal-signature" in recorder.received("/n8n")[0].headers


def test_the_whop_adapter_is_kept_while_its_settings_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHOP_API_KEY", "key-1")
    monkeypatch.setenv("WHOP_COMPANY_ID", "biz_1")
    first = whop.shared_from_env()
    assert first is not None and whop.shared_from_env() is first
    assert on_another_thread(whop.shared_from_env) is first
    monkeypatch.setenv("WHOP_API_KEY", "key-2")  # a changed setting: a new adapter
    second = whop.shared_from_env()
    assert second is not None and second is not first and second._api_key == "key-2"
    monkeypatch.delenv("WHOP_API_KEY")
    assert whop.shared_from_env() is None
