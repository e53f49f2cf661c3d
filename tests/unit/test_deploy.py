"""``make deploy`` (scripts/deploy.py): which functions a change redeploys, worked out offline
from the import graph; the secrets checked before a deploy; and what a deploy uploads.

The plan tests run the script on a throwaway git repository holding a copy of the functions,
tagged as deployed, then changed as a developer would change it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import deploy  # noqa: E402

FIREBASERC = {"projects": {"default": "demo-client-portal", "staging": "portal-staging", "production": "portal-prod"}}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the portal's functions, firebase.json and a .firebaserc, committed."""
    tracked = subprocess.run(["git", "ls-files", "functions", "firebase.json"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()  # fmt: skip
    for path in tracked:
        if (ROOT / path).is_file():
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, tmp_path / path)
    (tmp_path / ".firebaserc").write_text(json.dumps(FIREBASERC))
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "portal")
    return tmp_path


def plan_in(repo: Path, stage: str = "staging") -> deploy.Plan:
    return deploy.make_plan(stage, root=repo, tree=deploy.Tree(repo))


def touch(repo: Path, path: str, line: str = "\n# changed\n") -> None:
    with (repo / path).open("a") as f:
        f.write(line)


def test_first_deploy_deploys_every_function(repo: Path) -> None:
    plan = plan_in(repo)
    everything = set(deploy.function_table(deploy.Tree(repo)))
    assert plan.since is None and set(plan.added) == everything and not plan.changed and not plan.unchanged
    assert len(everything) > 100


def test_a_change_to_one_feature_redeploys_only_the_functions_that_run_it(repo: Path) -> None:
    git(repo, "tag", "deployed/staging")
    assert plan_in(repo).deploying == []  # nothing changed since the deploy
    touch(repo, "functions/portal/bookings/service.py")
    plan = plan_in(repo)
    deploying = set(plan.deploying)
    assert {"bookings", "booking_assign", "webhook_calendar", "sync_calendars"} <= deploying
    assert not deploying & {"approval_action", "files", "auth_login", "project_written", "mailer", "exporter"}
    assert len(deploying) < 20 and not plan.added and not plan.removed
    assert f"functions:{plan.deploying[0]}" in plan.only() and plan.only().endswith(",firestore,hosting")
    # another stage was never deployed: everything goes there
    assert len(plan_in(repo, "production").deploying) == len(plan.deploying) + len(plan.unchanged)


def test_shared_code_dependencies_and_settings_redeploy_everything(repo: Path) -> None:
    git(repo, "tag", "deployed/staging")
    total = len(deploy.function_table(deploy.Tree(repo)))
    for path in ("functions/portal/config.py", "functions/requirements.txt"):
        touch(repo, path)
        assert len(plan_in(repo).changed) == total, path
        git(repo, "checkout", "-q", "--", path)
    (repo / "functions/.env.portal-staging").write_text("SESSION_DAYS=3\n")  # the stage's settings
    assert len(plan_in(repo).changed) == total
    assert plan_in(repo, "production").since is None
    (repo / "functions/.env.portal-staging").unlink()
    # the release a deploy writes into functions/.env changes nothing
    (repo / "functions/.env").write_text("PORTAL_RELEASE=abc\n")
    assert plan_in(repo).deploying == []


def test_a_module_named_as_a_string_is_a_dependency(repo: Path) -> None:
    """Routes import their services lazily, by name: the graph follows those names."""
    graph = deploy.Graph(deploy.Tree(repo))
    assert "portal.bookings.service" in graph.closure("https.bookings")
    assert "portal.bookings.service" not in graph.closure("https.approvals")


def test_new_and_removed_functions(repo: Path) -> None:
    git(repo, "tag", "deployed/staging")
    main = (repo / "functions/main.py").read_text()
    changed = main.replace('"https.search": ("search",),', '"https.search": ("search", "search_suggest"),')
    changed = changed.replace('    "scheduled.reminders": ("approval_reminders",),\n', "")
    assert changed != main
    (repo / "functions/main.py").write_text(changed)
    plan = plan_in(repo)
    # adding one function to the table and removing another changes no other function
    assert plan.added == ["search_suggest"] and plan.removed == ["approval_reminders"] and plan.changed == []
    assert "deleted after the deploy (1): approval_reminders" in plan.describe()


def test_plan_runs_offline_and_touches_nothing(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``--plan`` as ``make deploy PLAN=1`` runs it: no firebase-tools (a stand-in that records
    any call is first on PATH), no network, nothing written."""
    git(repo, "tag", "deployed/staging")
    touch(repo, "functions/portal/bookings/service.py")
    shutil.copytree(ROOT / "scripts", repo / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    bin_dir = tmp_path_factory.mktemp("bin")
    calls = bin_dir / "calls"
    for name in ("npx", "firebase", "gcloud"):
        (bin_dir / name).write_text(f'#!/bin/sh\necho {name} "$@" >> {calls}\nexit 1\n')
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "http_proxy": "http://0.0.0.0:9",
           "https_proxy": "http://0.0.0.0:9"}  # fmt: skip
    env.pop("FIREBASE", None)
    before = git(repo, "status", "--porcelain")
    out = subprocess.run([sys.executable, "scripts/deploy.py", "--project", "staging", "--plan"], cwd=repo,
                         env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Stage staging (project portal-staging)" in out and "changed (" in out and "booking_assign" in out
    assert "Secrets that must exist: SESSION_SECRET." in out
    assert not calls.exists() and git(repo, "status", "--porcelain") == before


# --- deploying, with firebase-tools replaced by a stand-in that records its calls ----------------


@pytest.fixture
def firebase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A firebase-tools stand-in: secrets named in ``existing`` exist; every call is recorded."""
    script = tmp_path / "firebase"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {tmp_path}/calls\n'
        'if [ "$1" = functions:secrets:get ]; then grep -qx "$2" ' + f"{tmp_path}/existing; exit $?; fi\n"
        f'if [ "$1" = functions:secrets:set ]; then echo "$2=$(cat)" >> {tmp_path}/set; fi\n'
        f'if [ "$1" = deploy ]; then cp functions/.env {tmp_path}/env-at-deploy 2>/dev/null; fi\n'
        "exit 0\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("FIREBASE", str(script))
    return tmp_path


def test_deploy_needs_the_required_secrets(repo: Path, firebase: Path) -> None:
    (firebase / "existing").write_text("WHOP_API_KEY\n")
    plan = plan_in(repo)
    with pytest.raises(SystemExit, match=r"required secret.*SESSION_SECRET"):
        deploy.deploy(plan, repo, push_tag=False, allow_dirty=False)
    assert "deploy" not in [line.split()[0] for line in (firebase / "calls").read_text().splitlines()]
    assert deploy.last_deployed(repo, "staging") is None


def test_deploy_switches_missing_integrations_off_and_records_the_release(repo: Path, firebase: Path) -> None:
    (firebase / "existing").write_text("SESSION_SECRET\nWHOP_API_KEY\n")
    plan = plan_in(repo)
    deploy.deploy(plan, repo, push_tag=False, allow_dirty=False)
    created = (firebase / "set").read_text().splitlines()
    assert "N8N_WEBHOOK_SECRET=off" in created and not any(line.startswith("WHOP_API_KEY") for line in created)
    assert len(created) == len(plan.optional_secrets) - 1
    calls = (firebase / "calls").read_text().splitlines()
    deploy_call = next(line for line in calls if line.startswith("deploy "))
    assert "--project staging" in deploy_call and plan.only() in deploy_call
    head = git(repo, "rev-parse", "HEAD").strip()
    assert (firebase / "env-at-deploy").read_text() == f"PORTAL_RELEASE={head}\n"
    assert not (repo / "functions/.env").exists()  # put back as it was
    assert deploy.last_deployed(repo, "staging") == head
    assert plan_in(repo).deploying == []  # the next plan starts from this deploy


def test_deploy_refuses_uncommitted_changes(repo: Path, firebase: Path) -> None:
    (firebase / "existing").write_text("SESSION_SECRET\n")
    touch(repo, "functions/portal/db.py")
    with pytest.raises(SystemExit, match="uncommitted"):
        deploy.deploy(plan_in(repo), repo, push_tag=False, allow_dirty=False)
    assert not (firebase / "calls").exists()


def test_required_and_optional_secrets_are_read_from_params() -> None:
    required, optional = deploy.secrets(deploy.Tree(ROOT))
    assert required == ["SESSION_SECRET"]
    assert {"WHOP_API_KEY", "OPENAI_API_KEY", "N8N_WEBHOOK_SECRET", "SMTP_PASSWORD"} <= set(optional)
    assert len(required) + len(optional) == (ROOT / "functions/params.py").read_text().count("SecretParam(")


# --- what a deploy uploads ------------------------------------------------------------------


def test_functions_upload_holds_the_source_only() -> None:
    """The files firebase-tools would upload for the functions, listed by its own code with
    firebase.json's ``ignore``: no virtualenv, caches or local secrets, and a small archive."""
    config = json.loads((ROOT / "firebase.json").read_text())["functions"][0]
    script = (
        "const fsAsync = require('firebase-tools/lib/fsAsync');"
        f"const ignore = {json.dumps(config['ignore'])};"
        "ignore.push('firebase-debug.log', 'firebase-debug.*.log');"
        f"fsAsync.readdirRecursive({{path: {json.dumps(str(ROOT / config['source']))}, ignore}})"
        ".then(files => console.log(JSON.stringify(files.map(f => f.name))));"
    )
    listed = json.loads(subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True,
                                       check=True).stdout)  # fmt: skip
    names = [Path(name).relative_to(ROOT / "functions").as_posix() for name in listed]
    assert "main.py" in names and "requirements.txt" in names and "portal/policy.py" in names
    unwanted = [n for n in names if not (n.endswith(".py") or n == "requirements.txt" or n.startswith(".env."))]
    assert unwanted == [], unwanted[:20]
    assert not [n for n in names if n.startswith((".env.local", ".secret", ".env.demo-"))]
    assert sum((ROOT / "functions" / n).stat().st_size for n in names) < 5 * 1024**2


def test_hosting_is_built_before_it_is_deployed() -> None:
    hosting = json.loads((ROOT / "firebase.json").read_text())["hosting"]
    assert any("run build" in step for step in hosting["predeploy"])
