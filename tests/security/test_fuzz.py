"""Schemathesis over ``/api/openapi.json``, anonymously and as each role: every operation gets
a bounded number of generated requests (valid by its documented schema), and every answer
must be no server error, a documented status, the documented content type and a body that
matches the documented schema.

Each role is its own test, so the demo data is restored between them (what the fuzzer
created is gone before the next test). Signing out is left out: it would end the role's own
sessions halfway through."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from env import PORTAL
from helpers import token
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.usefixtures("world")

EXAMPLES = {"anonymous": 2, "admin@agency.test": 4, "ops@agency.test": 3, "owner@acme.test": 3, "member@acme.test": 3}
"""Generated requests per operation, per role (bounded: the whole fuzz stays within minutes)."""
SKIP = {"auth_logout_post"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def fuzz(who: str) -> tuple[Counter, list[str]]:
    schema = schemathesis.openapi.from_url(f"{PORTAL}/api/openapi.json")
    headers = {} if who == "anonymous" else {"Authorization": f"Bearer {token(who)}"}
    counts: Counter = Counter()
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        op_id = operation.definition.raw.get("operationId", operation.label)
        if op_id in SKIP:
            continue

        @settings(max_examples=EXAMPLES[who], deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            response = case.call(base_url=PORTAL, headers=headers, timeout=60)
            counts["cases"] += 1
            counts[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:  # a failed check: keep going, report every operation's
            failures.append(f"{operation.label} as {who}: {str(exc)[:600]}")
    return counts, failures


@pytest.mark.parametrize("who", list(EXAMPLES))
def test_generated_requests_get_documented_answers(who: str) -> None:
    started = time.monotonic()
    counts, failures = fuzz(who)
    statuses = {k: v for k, v in sorted(counts.items(), key=str) if k != "cases"}
    print(f"\nschemathesis as {who}: {counts['cases']} cases in {time.monotonic() - started:.1f}s, answers {statuses}")
    assert not failures, f"{len(failures)} operations failed:\n" + "\n\n".join(failures)
