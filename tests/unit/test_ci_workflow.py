"""The repository's CI workflow is valid YAML of the shape GitHub Actions runs: tests on
pull requests and main, a deploy only from main after the tests, to an alias .firebaserc
defines. (It cannot run here; this checks what can be checked offline.)"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_workflow_shape() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert any(step.get("run") == "make test" for step in jobs["test"]["steps"])
    deploy = jobs["deploy"]
    assert deploy["needs"] == "test" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"]["id-token"] == "write"
    for job in jobs.values():
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert "@" in step["uses"], step
    command = next(s["run"] for s in deploy["steps"] if "firebase deploy" in s.get("run", ""))
    alias = command.split("--project ")[1].split()[0]
    assert alias in json.loads((ROOT / ".firebaserc").read_text())["projects"]
