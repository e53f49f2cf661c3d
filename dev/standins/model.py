"""A stand-in for OpenAI's Chat Completions API over plain HTTP on 127.0.0.1: the model
the assistant talks to locally and in the tests.

What it speaks, as far as the Agents SDK's chat-completions model uses it:

* ``POST /v1/chat/completions``: ``messages`` and ``tools`` in; a ``chat.completion``, or with
  ``stream: true`` server-sent ``chat.completion.chunk`` events ending in ``data: [DONE]``,
  with a last chunk carrying ``usage`` (``stream_options.include_usage``). Tool calls come
  as ``tool_calls`` deltas and ``finish_reason: "tool_calls"``.
* ``GET /v1/models``.

What it answers:

* scripted steps first, one per completion: ``{"text": "..."}``, ``{"tool": name,
  "arguments": {...}}``, or ``{"echo": true}`` (the last tool result, as text). Script them
  with :meth:`ModelStandIn.script` in-process, or ``POST /_control/script`` with
  ``{"steps": [...]}``; ``POST /_control/reset`` forgets steps and requests, ``GET
  /_control/requests`` lists the completion requests received.
* otherwise canned answers: a question that names projects, milestones, approvals, payments,
  meetings or the team calls the matching tool (when offered); a tool's result is summed up
  in a few lines; anything else gets a short note about what to ask.

``python -m standins.model [port]`` (from ``dev/``) serves it; ``make dev`` does, on 9915.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from typing import Any

import httpx

MODEL_PORT = 9915

CANNED = (
    ("ask_the_team", ("team", "human", "person", "someone")),
    ("billing_status", ("pay", "invoice", "billing", "bill")),
    ("upcoming_meetings", ("meeting", "call", "booking", "book")),
    ("approvals_waiting", ("waiting", "approv", "decide", "review")),
    ("projects", ("project", "milestone", "deadline", "progress", "status")),
)


def _summary(value: Any, depth: int = 0) -> list[str]:
    """The lines a person wants from a tool's JSON: names, titles, statuses, dates, links."""
    if isinstance(value, list):
        return [line for v in value[:10] for line in _summary(v, depth)]
    if not isinstance(value, dict):
        return []
    if value.get("found") is False:
        return [str(value.get("message") or "Nothing found.")]
    label = value.get("name") or value.get("title") or value.get("subject")
    lines = []
    if label:
        facts = [str(value[k]) for k in ("status", "due", "start", "nextBillingDate") if value.get(k)]
        link = f" {value['link']}" if value.get("link") else ""
        lines.append(f"- {label}" + (f" ({', '.join(facts)})" if facts else "") + link)
    elif value.get("status"):
        lines.append(f"- Status: {value['status']}" + (f" {value['link']}" if value.get("link") else ""))
    for key, child in value.items():
        if isinstance(child, (list, dict)) and key not in ("plan",):
            lines.extend(_summary(child, depth + 1))
    return lines


def _text(content: Any) -> str:
    """A message's text, whether its content is a string or a list of parts."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


class ModelStandIn:
    """Completions from a script, or canned; every request is kept for the tests to read."""

    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def script(self, *steps: dict[str, Any]) -> None:
        with self.lock:
            self.steps.extend(steps)

    def reset(self) -> None:
        with self.lock:
            self.steps.clear()
            self.requests.clear()

    def received(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.requests)

    # --- HTTP ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/_control/script" and request.method == "POST":
            self.script(*json.loads(request.content or b"{}").get("steps", []))
            return httpx.Response(200, json={"ok": True})
        if path == "/_control/reset" and request.method == "POST":
            self.reset()
            return httpx.Response(200, json={"ok": True})
        if path == "/_control/requests":
            return httpx.Response(200, json={"requests": self.received()})
        if path.endswith("/models") and request.method == "GET":
            return httpx.Response(200, json={"object": "list", "data": [{"id": "standin-model", "object": "model"}]})
        if path.endswith("/chat/completions") and request.method == "POST":
            try:
                body = json.loads(request.content)
            except ValueError:
                return httpx.Response(400, json={"error": {"message": "invalid JSON", "type": "invalid_request_error"}})
            with self.lock:
                self.requests.append(body)
                step = self.steps.pop(0) if self.steps else None
            return self._complete(body, step or self._canned(body))
        return httpx.Response(404, json={"error": {"message": f"no route {path}", "type": "invalid_request_error"}})

    # --- answers -----------------------------------------------------------------------------

    def _canned(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or []
        last = messages[-1] if messages else {}
        if last.get("role") == "tool":
            return {"echo": True}
        offered = {t.get("function", {}).get("name") for t in body.get("tools") or []}
        said = _text(last.get("content")) if last.get("role") == "user" else ""
        question = said.lower()
        for tool, words in CANNED:
            if tool in offered and any(w in question for w in words):
                arguments: dict[str, Any] = {}
                if tool == "ask_the_team":
                    arguments = {"subject": "Question from the assistant", "question": said}
                return {"tool": tool, "arguments": arguments}
        return {"text": "I am the portal's local stand-in model. Ask me what is waiting on you, how your projects "
                        "are going, about payments or your next call, or to pass a question to the team."}  # fmt: skip

    def _echo(self, body: dict[str, Any]) -> str:
        results = [m for m in body.get("messages") or [] if m.get("role") == "tool"]
        if not results:
            return "I found nothing to go on."
        content = results[-1].get("content")
        text = content if isinstance(content, str) else json.dumps(content)
        try:
            lines = _summary(json.loads(text))
        except ValueError:
            lines = [text[:500]]
        return "Here is what I found in the portal:\n" + ("\n".join(lines) if lines else "nothing.")

    def _complete(self, body: dict[str, Any], step: dict[str, Any]) -> httpx.Response:
        model = body.get("model") or "standin-model"
        text = self._echo(body) if step.get("echo") else step.get("text")
        call = None
        if step.get("tool"):
            arguments = json.dumps(step.get("arguments") or {})
            call = {"id": f"call_{secrets.token_hex(6)}", "type": "function",
                    "function": {"name": step["tool"], "arguments": arguments}}  # fmt: skip
        prompt = max(1, len(json.dumps(body.get("messages") or [])) // 4)
        completion = max(1, len(text or json.dumps(call or {})) // 4)
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        made, cid = int(time.time()), f"chatcmpl-{secrets.token_hex(8)}"
        finish = "tool_calls" if call else "stop"
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": text}
            if call:
                message["tool_calls"] = [call]
            return httpx.Response(200, json={
                "id": cid, "object": "chat.completion", "created": made, "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage})  # fmt: skip

        def chunk(delta: dict[str, Any], reason: str | None = None, **more: Any) -> str:
            data = {"id": cid, "object": "chat.completion.chunk", "created": made, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": reason}], **more}  # fmt: skip
            return f"data: {json.dumps(data)}\n\n"

        events = [chunk({"role": "assistant", "content": None if call else ""})]
        if call:
            events.append(chunk({"tool_calls": [{"index": 0, **call}]}))
        else:
            words = (text or "").split(" ")
            events.extend(chunk({"content": w if i == 0 else " " + w}) for i, w in enumerate(words))
        events.append(chunk({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage_chunk: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": made}
            usage_chunk.update(model=model, choices=[], usage=usage)
            events.append(f"data: {json.dumps(usage_chunk)}\n\n")
        events.append("data: [DONE]\n\n")
        return httpx.Response(200, content="".join(events).encode(), headers={"Content-Type": "text/event-stream"})


def main() -> None:
    from standins.server import run

    run(ModelStandIn().handle, MODEL_PORT, "Model stand-in (OpenAI chat completions) on http://127.0.0.1:{port}/v1")


if __name__ == "__main__":
    main()
