"""The repository's CI workflow is valid YAML of the shape GitHub Actions runs: tests on
pull requests and pushes; after them main deploys to staging and a release tag to production,
each an alias .firebaserc defines, and no deploy is ever cancelled by the next push. (It
cannot run here; this checks what can be checked offline.)"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_workflow_shape() -> None:
    workflow = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert "concurrency" not in workflow  # a workflow-wide group would cancel a running deploy
    jobs = workflow["jobs"]
    assert any(step.get("run") == "make test" for step in jobs["test"]["steps"])
    aliases = json.loads((ROOT / ".firebaserc").read_text())["projects"]
    for name, stage in (("staging", "staging"), ("production", "production")):
        job = jobs[name]
        assert job["needs"] == "test" and job["permissions"]["id-token"] == "write"
        assert job["concurrency"]["cancel-in-progress"] is False, name  # a deploy is never cancelled
        command = next(s["run"] for s in job["steps"] if "make deploy" in s.get("run", ""))
        assert f"STAGE={stage}" in command and stage in aliases
        checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0  # the stage's tag is needed to compare with
    assert "refs/heads/main" in jobs["staging"]["if"] and "refs/tags/v" in jobs["production"]["if"]
    assert jobs["production"]["environment"] == "production"
    for job in jobs.values():
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert "@" in step["uses"], step
            if step.get("uses", "").startswith(("actions/setup-python", "actions/setup-node")):
                assert step["with"].get("cache"), step  # installs are cached
                for path in str(step["with"].get("cache-dependency-path", "")).split():
                    assert (ROOT / path).is_file(), path
