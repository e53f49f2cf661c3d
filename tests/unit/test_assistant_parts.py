"""The assistant's parts that need no emulator: nothing of ChatKit, the Agents SDK or
OpenAI at cold start; its settings; the model stand-in speaking Chat Completions as the
Agents SDK reads them (tool calls, streamed text, usage); the ids given to assistant
messages; a conversation as text for the team."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from portal.assistant import settings

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def test_main_imports_nothing_of_the_assistants_libraries() -> None:
    code = "import sys, main; print(sorted({m.split('.')[0] for m in sys.modules} & {'chatkit', 'agents', 'openai'}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=FUNCTIONS, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("", "none", "  "):
        monkeypatch.setenv("OPENAI_API_KEY", value)
        assert not settings.configured()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-x")
    assert settings.configured()
    monkeypatch.delenv("ASSISTANT_MODEL", raising=False)
    monkeypatch.delenv("ASSISTANT_BASE_URL", raising=False)
    monkeypatch.delenv("ASSISTANT_DAILY_TOKENS", raising=False)
    assert settings.model() == settings.DEFAULT_MODEL and settings.base_url() is None
    assert settings.daily_tokens() == settings.DEFAULT_DAILY_TOKENS
    monkeypatch.setenv("ASSISTANT_DAILY_TOKENS", "0")
    assert settings.daily_tokens() == 0  # the cap off
    monkeypatch.setenv("ASSISTANT_DAILY_TOKENS", "lots")
    assert settings.daily_tokens() == settings.DEFAULT_DAILY_TOKENS


def _run_agent(model_standin: object, question: str) -> tuple[str, int, list[str]]:
    from agents import Agent, ModelSettings, OpenAIChatCompletionsModel, Runner, function_tool, set_tracing_disabled
    from openai import AsyncOpenAI

    set_tracing_disabled(True)
    called: list[str] = []

    @function_tool
    def projects(org_id: str | None = None) -> str:
        """Projects.

        Args:
            org_id: An organisation.
        """
        called.append(str(org_id))
        return json.dumps({"found": True, "projects": [{"name": "Brand refresh", "status": "active",
                                                       "link": "/projects/acme-rebrand"}]})  # fmt: skip

    async def run() -> tuple[str, int]:
        transport = httpx.MockTransport(model_standin.handle)  # type: ignore[attr-defined]
        client = AsyncOpenAI(
            api_key="k", base_url="http://model.test/v1", http_client=httpx.AsyncClient(transport=transport)
        )
        agent = Agent(name="t", instructions="i", tools=[projects],
                      model=OpenAIChatCompletionsModel(model="standin-model", openai_client=client),
                      model_settings=ModelSettings(include_usage=True))  # fmt: skip
        result = Runner.run_streamed(agent, question)
        async for _ in result.stream_events():
            pass
        return str(result.final_output), int(result.context_wrapper.usage.total_tokens)

    # In a thread of its own: a browser test earlier in the session may have left an event
    # loop running in this one (Playwright's sync API).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        text, tokens = pool.submit(asyncio.run, run()).result()
    return text, tokens, called


def test_the_model_stand_in_calls_tools_and_streams_answers_the_agents_sdk_reads() -> None:
    from standins.model import ModelStandIn

    model = ModelStandIn()
    text, tokens, called = _run_agent(model, "How are my projects going?")  # canned: the projects tool
    assert called == ["None"] and "Brand refresh (active) /projects/acme-rebrand" in text and tokens > 0
    model.reset()
    model.script({"tool": "projects", "arguments": {"org_id": "globex"}}, {"text": "Nothing of theirs."})
    text, _, called = _run_agent(model, "Globex?")
    assert called == ["globex"] and text == "Nothing of theirs."
    assert [m["role"] for m in model.received()[1]["messages"]][-2:] == ["assistant", "tool"]
    response = model.handle(httpx.Request("POST", "http://m/_control/script", json={"steps": [{"text": "hi"}]}))
    assert response.status_code == 200 and model.steps == [{"text": "hi"}]


def test_assistant_messages_get_ids_of_their_own() -> None:
    from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadItemAddedEvent, ThreadItemDoneEvent

    from portal.assistant.server import FAKE_ID, _real_ids

    made = iter(["msg-1", "msg-2"])

    def item() -> AssistantMessageItem:
        return AssistantMessageItem(id=FAKE_ID, thread_id="thr-1", created_at=dt.datetime.now(),
                                    content=[AssistantMessageContent(text="a")])  # fmt: skip

    current: dict[str, str] = {}
    ids = [
        _real_ids(ThreadItemAddedEvent(item=item()), current, lambda: next(made)).item.id,
        _real_ids(ThreadItemDoneEvent(item=item()), current, lambda: next(made)).item.id,
        _real_ids(ThreadItemAddedEvent(item=item()), current, lambda: next(made)).item.id,
    ]
    assert ids == ["msg-1", "msg-1", "msg-2"]


def test_a_conversation_as_text_for_the_team() -> None:
    from chatkit.types import (
        AssistantMessageContent,
        AssistantMessageItem,
        InferenceOptions,
        UserMessageItem,
        UserMessageTextContent,
    )

    from portal.assistant.store import transcript

    now = dt.datetime.now()
    items = [
        UserMessageItem(
            id="m1",
            thread_id="t",
            created_at=now,
            content=[UserMessageTextContent(text="When is the call?")],
            attachments=[],
            inference_options=InferenceOptions(),
        ),
        AssistantMessageItem(id="m2", thread_id="t", created_at=now, content=[AssistantMessageContent(text="Friday.")]),
    ]
    assert transcript(items) == "Client: When is the call?\nAssistant: Friday."
    assert transcript(items, limit=10).startswith("…") and len(transcript(items, limit=10)) == 11
