"""The ChatKit server: ``respond`` runs an Agents SDK agent whose tools act as the caller.

The model is OpenAI's Chat Completions API through an ``AsyncOpenAI`` client: OpenAI itself,
or any compatible server named by ``ASSISTANT_BASE_URL`` (the local stand-in). Importing this
module imports ChatKit, the Agents SDK and the OpenAI client: only ``portal.assistant.service``
does, on the first request that needs them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from agents import Agent, ModelSettings, OpenAIChatCompletionsModel, RunContextWrapper, Runner, function_tool
from agents.models.fake_id import FAKE_RESPONSES_ID as FAKE_ID
from chatkit.agents import AgentContext, ThreadItemConverter, stream_agent_response
from chatkit.errors import CustomStreamError
from chatkit.server import ChatKitServer
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ThreadItemDoneEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)
from openai import AsyncOpenAI

from . import settings, spend, tools
from .store import FirestoreStore, Request, transcript

Ctx = RunContextWrapper[AgentContext[Request]]
HISTORY_ITEMS = 30
MAX_TURNS = 10

INSTRUCTIONS = """You are the assistant of a creative agency's client portal. You answer {who}'s \
questions about their projects, milestones, approvals, meetings{billing} and messages, using only \
what your tools return; never guess or invent. Today is {today} (UTC).
{scope}
Answer briefly and include the portal links the tools give (for example /projects/ID). If a tool \
finds nothing, say so plainly.{handoff}"""
HANDOFF = """ If you cannot help, or the person asks for a human, call ask_the_team: it shows them what \
would be sent, and they decide."""


def _out(value: dict[str, Any]) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)[:12000]


def _caller(ctx: Ctx) -> Any:
    return ctx.context.request_context.caller


@function_tool
def projects(ctx: Ctx, org_id: str | None = None, project_id: str | None = None) -> str:
    """Projects with status, progress and next milestone; with project_id, that project and all its milestones.

    Args:
        org_id: For agency staff only: the client organisation to look in (all clients when empty).
        project_id: One project's id, for its milestones.
    """
    return _out(tools.projects(_caller(ctx), org_id, project_id))


@function_tool
def approvals_waiting(ctx: Ctx, org_id: str | None = None) -> str:
    """Approvals waiting for a decision, and whether the person may decide each.

    Args:
        org_id: For agency staff only: the client organisation to look in (all clients when empty).
    """
    return _out(tools.approvals_waiting(_caller(ctx), org_id))


@function_tool
def billing_status(ctx: Ctx, org_id: str | None = None) -> str:
    """Billing status, plan, next billing date and recent payments.

    Args:
        org_id: For agency staff: the client organisation (required for staff).
    """
    return _out(tools.billing_status(_caller(ctx), org_id))


@function_tool
def upcoming_meetings(ctx: Ctx, org_id: str | None = None) -> str:
    """The next meetings booked with the agency, soonest first.

    Args:
        org_id: For agency staff only: the client organisation to look in (all clients when empty).
    """
    return _out(tools.upcoming_meetings(_caller(ctx), org_id))


@function_tool
def search_portal(ctx: Ctx, query: str, org_id: str | None = None) -> str:
    """Search projects, approvals, files, message threads and messages.

    Args:
        query: Words to look for.
        org_id: For agency staff only: the client organisation to look in (all clients when empty).
    """
    return _out(tools.search(_caller(ctx), query, org_id))


SEND, DISCARD = "handoff.send", "handoff.discard"
"""The answers to the assistant's question "send this to the team?" (ChatKit widget actions)."""


def handoff_widget(subject: str, question: str, *, state: str = "asking", link: str | None = None) -> Any:
    """The card that asks the person before anything reaches the team (``asking``), or says
    what became of it (``sent``, ``discarded``). What would be sent is in the card's
    confirm action; the server reads it from the stored card, never from the request."""
    from chatkit.widgets import DynamicWidgetRoot as Root

    draft = {"subject": subject[:200], "question": question[:2000]}
    titles = {"asking": "Send this to the team?", "sent": "Sent to the team", "discarded": "Not sent"}
    if state == "asking":
        note = "This conversation goes with it, as a message thread the team and your organisation's people can read."
    else:
        note = f"The thread: {link}" if link else "Nothing was sent."
    card: dict[str, Any] = {
        "type": "Card",
        "children": [
            {"type": "Title", "value": titles[state], "size": "sm"},
            {"type": "Text", "value": f"Subject: {draft['subject']}"},
            {"type": "Text", "value": draft["question"] or "(no question)"},
            {"type": "Caption", "value": note},
        ],
    }
    if state == "asking":
        from chatkit.actions import ActionConfig

        card["confirm"] = {"label": "Send to the team", "action": ActionConfig(type=SEND, payload=draft)}
        card["cancel"] = {"label": "Don't send", "action": ActionConfig(type=DISCARD, payload={})}
    return Root.model_validate(card)


@function_tool
async def ask_the_team(ctx: Ctx, subject: str, question: str) -> str:
    """Offer to hand the conversation to the agency's team: the person is shown what would be sent and decides.

    Args:
        subject: A short subject for the thread.
        question: What the person needs from the team, in their words.
    """
    await ctx.context.stream_widget(handoff_widget(subject, question), copy_text=question[:500])
    return _out({"found": True, "pending": True, "note": "The person was shown a card with Send and Don't send: "
                 "nothing reaches the team unless they press Send. Tell them so, briefly."})  # fmt: skip


def _agent(request: Request, client: AsyncOpenAI) -> Agent[AgentContext[Request]]:
    caller = request.caller
    billing = tools.may_see_billing(caller)
    offered: list[Any] = [projects, approvals_waiting, upcoming_meetings, search_portal]
    if not caller.is_staff:  # a hand-off goes from a client to the team, into the client's own organisation
        offered.append(ask_the_team)
    if billing:
        offered.insert(2, billing_status)
    who = "an agency staff member" if caller.is_staff else "a client"
    scope = (
        "Staff see every client organisation; name one with org_id when the question is about one client."
        if caller.is_staff
        else "You see only this client's own organisation; no tool can show another organisation's data."
    )
    instructions = INSTRUCTIONS.format(
        who=who,
        billing=", billing" if billing else "",
        today=dt.date.today().isoformat(),
        scope=scope,
        handoff="" if caller.is_staff else HANDOFF,
    )
    model = OpenAIChatCompletionsModel(model=settings.model(), openai_client=client)
    return Agent[AgentContext[Request]](
        name="Portal assistant",
        instructions=instructions,
        model=model,
        tools=offered,
        model_settings=ModelSettings(include_usage=True, temperature=0.2),
    )


class Converter(ThreadItemConverter):
    """The conversation as model input: earlier answers as plain assistant text, which both
    the Chat Completions and the Responses API take (ChatKit's own sends output parts that
    the Agents SDK's Chat Completions converter refuses)."""

    async def assistant_message_to_input(self, item: AssistantMessageItem) -> Any:
        text = "".join(c.text for c in item.content)
        return {"type": "message", "role": "assistant", "content": text} if text.strip() else None


CONVERTER = Converter()


class PortalChatKitServer(ChatKitServer[Request]):
    """ChatKit's protocol over the portal's store, answering with the portal's agent."""

    def __init__(self, client: AsyncOpenAI) -> None:
        super().__init__(FirestoreStore())
        self.client = client

    async def add_feedback(self, thread_id: str, item_ids: list[str], feedback: Any, context: Request) -> None:
        """Thumbs up or down on answers, kept on the conversation's items (one's own only)."""
        assert isinstance(self.store, FirestoreStore)
        self.store.set_feedback(thread_id, item_ids, str(getattr(feedback, "value", feedback)), context)

    def action(self, thread: ThreadMetadata, action: Any, sender: Any, context: Request) -> AsyncIterator[Any]:
        """The person's answer to a card the assistant showed (see :func:`handoff_widget`)."""
        return _handoff(self, thread, action, sender, context)

    async def respond(
        self, thread: ThreadMetadata, input_user_message: UserMessageItem | None, context: Request
    ) -> AsyncIterator[ThreadStreamEvent]:
        org_id = context.grant.org.id
        if spend.reached(org_id):
            raise CustomStreamError(spend.REACHED_MESSAGE, allow_retry=False)
        if thread.title is None and input_user_message is not None:
            first = " ".join(getattr(c, "text", "") for c in input_user_message.content).strip()
            thread.title = (first[:60] + "…") if len(first) > 60 else (first or "Conversation")
        page = await self.store.load_thread_items(thread.id, None, HISTORY_ITEMS, "desc", context)
        history = list(reversed(page.data))
        agent_context = AgentContext[Request](thread=thread, store=self.store, request_context=context)
        result = Runner.run_streamed(
            _agent(context, self.client), await CONVERTER.to_agent_input(history), context=agent_context,
            max_turns=MAX_TURNS,
        )  # fmt: skip
        current: dict[str, str] = {}
        try:
            async for event in stream_agent_response(agent_context, result):
                yield _real_ids(event, current, lambda: self.store.generate_item_id("message", thread, context))
        finally:
            usage = result.context_wrapper.usage
            spend.add(org_id, int(usage.total_tokens or 0), requests=int(usage.requests or 0))


async def _handoff(
    server: ChatKitServer[Request], thread: ThreadMetadata, action: Any, sender: Any, context: Request
) -> AsyncIterator[ThreadStreamEvent]:
    """The person answered the card: send the conversation to the team (what the stored card
    holds, once) or not. Any other action, or a card already answered, changes nothing."""
    widget = getattr(sender, "widget", None)
    card = widget.model_dump(mode="json") if widget is not None else {}
    draft = (card.get("confirm") or {}).get("action") or {}
    if draft.get("type") != SEND or action.type not in (SEND, DISCARD):
        return
    payload = draft.get("payload") or {}
    subject, question = str(payload.get("subject") or ""), str(payload.get("question") or "")
    if action.type == DISCARD:
        done = handoff_widget(subject, question, state="discarded")
        text = "Nothing was sent to the team."
    else:
        page = await server.store.load_thread_items(thread.id, None, 100, "asc", context)
        sent = tools.ask_the_team(context.caller, subject, question, transcript(page.data))
        if not sent.get("found"):
            done, text = handoff_widget(subject, question, state="discarded"), "It could not be sent; try Messages."
        else:
            done = handoff_widget(subject, question, state="sent", link=sent["link"])
            text = f"Sent to the team: {sent['link']}"
    replaced = sender.model_copy(update={"widget": done})
    await server.store.save_item(thread.id, replaced, context)
    yield ThreadItemReplacedEvent(item=replaced)
    item_id = server.store.generate_item_id("message", thread, context)
    content = [AssistantMessageContent(text=text)]
    message = AssistantMessageItem(id=item_id, thread_id=thread.id, created_at=dt.datetime.now(), content=content)
    yield ThreadItemDoneEvent(item=message)


def _real_ids(event: Any, current: dict[str, str], make: Callable[[], str]) -> Any:
    """``event`` with an id of its own for the assistant message it is about: through Chat
    Completions every message comes as ``__fake_id__``, and a conversation keeps each one."""
    item = getattr(event, "item", None)
    if item is not None and getattr(item, "id", None) == FAKE_ID:
        if event.type == "thread.item.added" or "id" not in current:
            current["id"] = make()
        return event.model_copy(update={"item": item.model_copy(update={"id": current["id"]})})
    if getattr(event, "item_id", None) == FAKE_ID:
        current.setdefault("id", make())
        return event.model_copy(update={"item_id": current["id"]})
    return event


def build() -> PortalChatKitServer:
    """A server with a model client from the configuration."""
    from agents import set_tracing_disabled

    set_tracing_disabled(True)  # traces would go to OpenAI's platform: nothing leaves but the model calls
    client = AsyncOpenAI(api_key=settings.api_key(), base_url=settings.base_url(), max_retries=1, timeout=60.0)
    return PortalChatKitServer(client)
