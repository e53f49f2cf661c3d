"""The OpenAPI document, the functions in main.py and the Hosting rewrites agree."""

from __future__ import annotations

import fnmatch
import json
import re

from env import ROOT

from portal.api.openapi import document
from portal.api.routes import ROUTES


def test_every_route_is_documented_with_its_models() -> None:
    doc = document()
    for route in ROUTES:
        item = doc["paths"][route.path]
        for op in route.operations:
            entry = item[op.method.lower()]
            assert entry["summary"]
            if op.body:
                assert entry["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(op.body.__name__)
            if not op.public:
                assert "401" in entry["responses"]
    schemas = doc["components"]["schemas"]
    assert schemas["InviteIn"]["additionalProperties"] is False
    json.dumps(doc)


def test_every_route_function_is_exported_by_main() -> None:
    main = (ROOT / "functions/main.py").read_text()
    for route in ROUTES:
        assert re.search(rf"\b{route.function}\b", main), route.function


def test_hosting_rewrites_send_each_path_to_its_function() -> None:
    config = json.loads((ROOT / "firebase.json").read_text())
    rewrites = [r for r in config["hosting"]["rewrites"] if "function" in r]
    for route in ROUTES:
        concrete = re.sub(r"\{\w+\}", "sample-id", route.path)
        first = next(r for r in rewrites if fnmatch.fnmatchcase(concrete, r["source"].replace("**", "*")))
        assert first["function"]["functionId"] == route.function, route.path
