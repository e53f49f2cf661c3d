"""The OpenAPI document, the functions main.py exports and the Hosting rewrites agree."""

from __future__ import annotations

import fnmatch
import json
import re

import deployment
import main
from env import ROOT

from portal.api.registry import document, routes

ROUTES = routes()


def test_every_route_is_documented_with_its_models() -> None:
    doc = document()
    for route in ROUTES:
        item = doc["paths"][route.path]
        for op in route.operations:
            entry = item[op.method.lower()]
            assert entry["summary"]
            body = op.models[0]
            if body:
                assert entry["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(body.__name__)
            if not op.public:
                assert "401" in entry["responses"]
    schemas = doc["components"]["schemas"]
    assert schemas["InviteIn"]["additionalProperties"] is False
    json.dumps(doc)


def test_routes_are_unique() -> None:
    assert len({r.function for r in ROUTES}) == len(ROUTES)
    assert len({r.path for r in ROUTES}) == len(ROUTES)


def _endpoint(name: str) -> object:
    return getattr(getattr(main, name), "__firebase_endpoint__", None)


def test_main_exports_an_https_function_for_every_route_with_the_shared_options() -> None:
    assert len(main.__all__) == len(set(main.__all__))
    for name in main.__all__:
        endpoint = _endpoint(name)
        assert endpoint is not None, f"{name} is not a Cloud Function"
        assert endpoint.region == [deployment.REGION], name  # type: ignore[attr-defined]
    for route in ROUTES:
        assert route.function in main.__all__, route.function
        endpoint = _endpoint(route.function)
        assert endpoint.httpsTrigger is not None, route.function  # type: ignore[attr-defined]
        assert endpoint.httpsTrigger.get("invoker") == ["public"], route.function  # type: ignore[attr-defined]
        assert endpoint.maxInstances == deployment.HTTP["max_instances"], route.function  # type: ignore[attr-defined]
        secrets = {s["key"] for s in endpoint.secretEnvironmentVariables}  # type: ignore[attr-defined]
        assert {s.name for s in deployment.HTTP["secrets"]} <= secrets, route.function
    https = {n for n in main.__all__ if _endpoint(n).httpsTrigger is not None}  # type: ignore[attr-defined]
    assert https == {r.function for r in ROUTES}


def test_hosting_rewrites_send_each_path_to_its_function() -> None:
    config = json.loads((ROOT / "firebase.json").read_text())
    rewrites = [r for r in config["hosting"]["rewrites"] if "function" in r]
    for route in ROUTES:
        concrete = re.sub(r"\{\w+\}", "sample-id", route.path)
        first = next(r for r in rewrites if fnmatch.fnmatchcase(concrete, r["source"].replace("**", "*")))
        assert first["function"]["functionId"] == route.function, route.path
        assert first["function"]["region"] == deployment.REGION, route.path


def test_task_queue_functions_have_names_cloud_tasks_accepts() -> None:
    # A task function's queue is named after it, and Cloud Tasks queue ids are letters,
    # digits and hyphens: an underscore fails the deploy (and the emulator skips the queue).
    queues = [n for n in main.__all__ if getattr(_endpoint(n), "taskQueueTrigger", None) is not None]
    assert queues
    for name in queues:
        assert re.fullmatch(r"[A-Za-z0-9-]{1,100}", name), name


def test_every_content_type_an_operation_answers_with_is_documented() -> None:
    doc = document()
    for route in routes():
        for op in route.operations:
            ok = doc["paths"][route.path][op.method.lower()]["responses"][str(op.status)]
            documented = list(ok.get("content", {}))
            assert documented == [t for t in op.media_types if t != "application/json" or op.models[2] or
                                  op.produces != "application/json"], (route.path, op.method)  # fmt: skip
    chatkit = doc["paths"]["/api/chatkit"]["post"]["responses"]["200"]["content"]
    assert list(chatkit) == ["text/event-stream", "application/json"]
    assert chatkit["application/json"]["schema"] == {"type": "object"}
    avatar = doc["paths"]["/api/avatars/{orgId}/{uid}"]["get"]["responses"]["200"]["content"]
    assert list(avatar) == ["image/png", "image/jpeg", "image/webp"]


def _imported(env: dict[str, str]) -> tuple[set[str], set[str]]:
    """In a fresh process with ``env``: the function modules ``import main`` loaded, and the
    functions it then defines."""
    import os
    import subprocess
    import sys

    code = (
        "import json, sys, main; "
        "print(json.dumps([sorted(m for m in sys.modules if m.split('.')[0] in "
        "('https', 'triggers', 'scheduled', 'tasks') and '.' in m), "
        "sorted(n for n in main.__all__ if hasattr(main, n))]))"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("FUNCTION_TARGET", "ADMIN_PORT")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "functions", env={**base, **env}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    modules, names = json.loads(out.stdout.strip().splitlines()[-1])
    return {m for m in modules if not m.rpartition(".")[2].startswith("_")}, set(names)  # not helpers


def test_an_instance_imports_only_its_functions_module() -> None:
    modules, names = _imported({"FUNCTION_TARGET": "project_written"})
    assert modules == {"triggers.projects"}
    assert names == set(main.FUNCTIONS["triggers.projects"])
    everything = (set(main.FUNCTIONS), set(main.__all__))
    assert _imported({}) == everything  # deploying
    assert _imported({"FUNCTION_TARGET": "dashboard", "ADMIN_PORT": "8081"}) == everything  # discovery
    assert _imported({"FUNCTION_TARGET": "not_a_function"}) == everything
