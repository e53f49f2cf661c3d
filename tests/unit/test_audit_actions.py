"""Every audit entry the code can write names an action of the registry
(portal.audit.actions): record() refuses any other, which would fail the request."""

from __future__ import annotations

import ast
import pathlib

from portal.assistant.service import AUDITED
from portal.audit.actions import ACTIONS

PORTAL = pathlib.Path(__file__).resolve().parents[2] / "functions" / "portal"


def _recorded() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name == "record" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[first.value] = str(path.relative_to(PORTAL))
    return found


def test_every_recorded_action_is_registered() -> None:
    recorded = _recorded()
    assert len(recorded) > 20
    assert {a: p for a, p in recorded.items() if a not in ACTIONS} == {}


def test_the_assistants_actions_are_registered() -> None:
    assert {f"assistant.{kind.split('.', 1)[1]}" for kind in AUDITED} <= set(ACTIONS)
