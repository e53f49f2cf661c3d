"""Deploy one stage of the portal, redeploying only the functions whose code changed.

    make deploy STAGE=staging          # or: functions/venv/bin/python scripts/deploy.py --project staging
    make deploy STAGE=staging PLAN=1   # print what would be deployed, offline, and stop

A function's *fingerprint* is a hash of everything its instance runs: the module that
``main.FUNCTIONS`` names for it and every module of ``functions/`` that module imports,
directly or not (``import`` statements, and module names given as strings, which is how
routes import their services lazily), the package ``__init__`` files on the way, the
dependencies (``requirements.txt``), ``main.py`` itself apart from the table of functions,
the functions' settings in ``firebase.json`` and the stage's ``.env`` files. A function is
deployed when its fingerprint differs from the one it had at the commit last deployed to the
stage: the git tag ``deployed/<stage>``, which a deploy moves when it succeeds. Without that
tag (a first deploy, or ``--all``) every function is deployed. A function that left
``main.FUNCTIONS`` is deleted after the deploy.

Before deploying, every secret the functions declare (``functions/params.py``) must exist
in the project's Secret Manager: a missing required one stops the deploy, a missing optional
one is created with the value ``off`` (its integration is not connected). The release (the
commit) reaches every deployed function as ``PORTAL_RELEASE``. Firestore rules and indexes
and Hosting (built by its ``predeploy`` in ``firebase.json``) are deployed every time; each
sends only what changed.

``--plan`` reads only the repository: no network, no credentials, no firebase-tools.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "functions"
"""The functions' source directory (``firebase.json``'s ``functions[0].source``)."""
TAG = "deployed/{stage}"
RELEASE_VARIABLE = "PORTAL_RELEASE"
REGION = "us-central1"


# --- reading the repository, as it is or at a commit ------------------------------------------


class Tree:
    """The repository's files: the working tree (``rev=None``) or a commit."""

    def __init__(self, root: Path = ROOT, rev: str | None = None) -> None:
        self.root, self.rev = root, rev
        self._files: dict[str, bytes | None] = {}  # the working tree's, as read
        self._commit: dict[str, bytes] | None = None  # every file of the commit, read at once

    def _git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True, text=True).stdout

    def paths(self, under: str) -> list[str]:
        """The tracked files under ``under`` (in the working tree: also new files git does not ignore)."""
        if self.rev is None:
            out = self._git("ls-files", "--cached", "--others", "--exclude-standard", "--", under)
            return sorted(p for p in out.splitlines() if (self.root / p).is_file())
        prefix = under.rstrip("/") + "/"
        return sorted(path for path in self._at_rev() if path.startswith(prefix))

    def read(self, path: str) -> bytes | None:
        if self.rev is not None:
            return self._at_rev().get(path)
        if path not in self._files:
            file = self.root / path
            self._files[path] = file.read_bytes() if file.is_file() else None
        return self._files[path]

    def _at_rev(self) -> dict[str, bytes]:
        """Every file of the commit, read with two git commands."""
        if self._commit is None:
            self._commit = {}
            listing = self._git("ls-tree", "-r", "-z", self.rev or "HEAD").split("\0")
            blobs = [(line.split(None, 3)[2], line.split("\t", 1)[1]) for line in listing if " blob " in line]
            out = subprocess.run(["git", "cat-file", "--batch"], cwd=self.root, check=True, capture_output=True,
                                 input="".join(f"{sha}\n" for sha, _ in blobs).encode()).stdout  # fmt: skip
            offset = 0
            for _, path in blobs:
                header_end = out.index(b"\n", offset)
                size = int(out[offset:header_end].split()[2])
                self._commit[path] = out[header_end + 1 : header_end + 1 + size]
                offset = header_end + 1 + size + 1
        return self._commit


# --- what each function runs ------------------------------------------------------------------


def _assigned(node: ast.stmt) -> ast.expr | None:
    """The target of an assignment statement (``None`` for anything else)."""
    if isinstance(node, ast.AnnAssign):
        return node.target
    return node.targets[0] if isinstance(node, ast.Assign) else None


def function_table(tree: Tree) -> dict[str, str]:
    """``{function name: module}`` from ``main.FUNCTIONS``, read without importing anything."""
    source = tree.read(f"{SOURCE}/main.py")
    if source is None:
        raise SystemExit(f"{SOURCE}/main.py is missing")
    for node in ast.parse(source).body:
        target = _assigned(node)
        if isinstance(target, ast.Name) and target.id == "FUNCTIONS" and isinstance(node, ast.Assign | ast.AnnAssign):
            assert node.value is not None
            table: dict[str, tuple[str, ...]] = ast.literal_eval(node.value)
            return {name: module for module, names in table.items() for name in names}
    raise SystemExit(f"{SOURCE}/main.py defines no FUNCTIONS table")


def _main_without_table(tree: Tree) -> bytes:
    """``main.py`` with its table of functions cut out: adding a function changes nobody else."""
    source = tree.read(f"{SOURCE}/main.py") or b""
    lines = source.decode().splitlines(keepends=True)
    for node in ast.parse(source).body:
        target = _assigned(node)
        if isinstance(target, ast.Name) and target.id == "FUNCTIONS":
            del lines[node.lineno - 1 : node.end_lineno]
            break
    return "".join(lines).encode()


@dataclass
class Graph:
    """The modules of ``functions/`` and what each imports."""

    tree: Tree
    modules: dict[str, str] = field(default_factory=dict)  # module -> path
    _edges: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        prefix = SOURCE + "/"
        for path in self.tree.paths(SOURCE):
            if not path.endswith(".py") or "/venv/" in path:
                continue
            parts = path[len(prefix) : -3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if parts:
                self.modules[".".join(parts)] = path

    def _imports(self, module: str) -> set[str]:
        if module in self._edges:
            return self._edges[module]
        path = self.modules[module]
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        found: set[str] = set()
        try:
            syntax = ast.parse(self.tree.read(path) or b"", filename=path)
        except SyntaxError:
            syntax = ast.Module(body=[], type_ignores=[])
        for node in ast.walk(syntax):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".") if package else []
                    anchor = anchor[: len(anchor) - (node.level - 1)] if node.level > 1 else anchor
                    base = ".".join([*anchor, *([base] if base else [])])
                names = [base, *(f"{base}.{alias.name}" if base else alias.name for alias in node.names)]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]  # lazy("portal.x.service"), importlib.import_module("...")
            for name in names:
                # a module imports its parent packages too
                parts = name.split(".")
                for end in range(1, len(parts) + 1):
                    candidate = ".".join(parts[:end])
                    if candidate in self.modules and candidate != module:
                        found.add(candidate)
        self._edges[module] = found
        return found

    def closure(self, module: str) -> set[str]:
        """``module`` and every module of ``functions/`` it imports, directly or not."""
        seen: set[str] = set()
        todo = [module]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.modules:
                continue
            seen.add(current)
            parts = current.split(".")
            todo.extend(".".join(parts[:end]) for end in range(1, len(parts)))
            todo.extend(self._imports(current))
        return seen


def _env_files(tree: Tree, project_id: str, alias: str) -> list[tuple[str, bytes]]:
    """The ``.env`` files a deploy to the stage loads (firebase-tools' names), without the release."""
    names = [".env", f".env.{project_id}", *([f".env.{alias}"] if alias != project_id else [])]
    found = []
    for name in names:
        content = tree.read(f"{SOURCE}/{name}")
        if content is not None:
            kept = [line for line in content.splitlines() if not line.startswith(f"{RELEASE_VARIABLE}=".encode())]
            if any(line.strip() for line in kept):  # a file holding only the release sets nothing else
                found.append((name, b"\n".join(kept)))
    return found


def fingerprints(tree: Tree, project_id: str, alias: str) -> dict[str, str]:
    """``{function name: fingerprint}`` of every function ``tree`` declares."""
    config = json.loads(tree.read("firebase.json") or b"{}").get("functions", [])
    common = hashlib.sha256()
    for name, content in [
        ("requirements.txt", tree.read(f"{SOURCE}/requirements.txt") or b""),
        ("main.py", _main_without_table(tree)),
        ("firebase.json#functions", json.dumps(config, sort_keys=True).encode()),
        *_env_files(tree, project_id, alias),
    ]:
        common.update(name.encode() + b"\0" + content + b"\0")
    graph = Graph(tree)
    result: dict[str, str] = {}
    by_module: dict[str, str] = {}
    for function, module in sorted(function_table(tree).items()):
        if module not in by_module:
            digest = common.copy()
            for dependency in sorted(graph.closure(module)):
                path = graph.modules[dependency]
                digest.update(path.encode() + b"\0" + (tree.read(path) or b"") + b"\0")
            by_module[module] = digest.hexdigest()
        result[function] = hashlib.sha256(f"{module}\0{by_module[module]}".encode()).hexdigest()
    return result


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class Plan:
    stage: str
    project_id: str
    since: str | None  # the commit last deployed to the stage (None: never, or --all)
    changed: list[str]
    added: list[str]
    removed: list[str]
    unchanged: list[str]
    required_secrets: list[str]
    optional_secrets: list[str]

    @property
    def deploying(self) -> list[str]:
        return sorted(self.changed + self.added)

    def only(self) -> str:
        return ",".join([*(f"functions:{name}" for name in self.deploying), "firestore", "hosting"])

    def describe(self) -> str:
        total = len(self.deploying) + len(self.unchanged)
        since = (
            f"the commit last deployed there, {self.since[:12]}" if self.since else "nothing (deploying every function)"
        )
        lines = [
            f"Stage {self.stage} (project {self.project_id}), compared with {since}.",
            f"Functions to deploy: {len(self.deploying)} of {total}.",
        ]
        for label, names in (
            ("changed", self.changed),
            ("new", self.added),
            ("deleted after the deploy", self.removed),
        ):
            if names:
                lines.append(f"  {label} ({len(names)}): {', '.join(names)}")
        if self.unchanged:
            lines.append(f"  unchanged ({len(self.unchanged)}): not deployed")
        lines += [
            "Also: Firestore rules and indexes, Hosting (built by its predeploy).",
            f"Secrets that must exist: {', '.join(self.required_secrets)}.",
            f"Secrets created as 'off' (not connected) when missing: {', '.join(self.optional_secrets)}.",
            f"Command: firebase deploy --project {self.stage} --only {shlex.quote(self.only())}"
            " --non-interactive --force",
        ]
        return "\n".join(lines)


def secrets(tree: Tree) -> tuple[list[str], list[str]]:
    """(required, optional) secret names, from ``functions/params.py`` (``REQUIRED_SECRETS``)."""
    syntax = ast.parse(tree.read(f"{SOURCE}/params.py") or b"")
    declared: dict[str, str] = {}  # variable -> secret name
    required: list[str] = []
    for node in syntax.body:
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        value = node.value
        if isinstance(value, ast.Call) and getattr(value.func, "id", "") == "SecretParam" and value.args:
            declared[target.id] = ast.literal_eval(value.args[0])
        elif target.id == "REQUIRED_SECRETS" and isinstance(value, ast.Tuple | ast.List):
            required = [declared[element.id] for element in value.elts if isinstance(element, ast.Name)]
    return required, sorted(set(declared.values()) - set(required))


def project_of(alias: str, root: Path = ROOT) -> str:
    projects = json.loads((root / ".firebaserc").read_text()).get("projects", {})
    return str(projects.get(alias, alias))


def last_deployed(root: Path, stage: str) -> str | None:
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{TAG.format(stage=stage)}^{{commit}}"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return found.stdout.strip() or None if found.returncode == 0 else None


def make_plan(stage: str, *, root: Path = ROOT, tree: Tree | None = None, since: str | None = None,
              everything: bool = False) -> Plan:  # fmt: skip
    project_id = project_of(stage, root)
    now = tree or Tree(root)
    since = None if everything else (since or last_deployed(root, stage))
    current = fingerprints(now, project_id, stage)
    before = fingerprints(Tree(root, since), project_id, stage) if since else {}
    required, optional = secrets(now)
    return Plan(
        stage=stage,
        project_id=project_id,
        since=since,
        changed=sorted(name for name in current if name in before and before[name] != current[name]),
        added=sorted(name for name in current if name not in before),
        removed=sorted(name for name in before if name not in current),
        unchanged=sorted(name for name in current if before.get(name) == current[name]),
        required_secrets=required,
        optional_secrets=optional,
    )


# --- deploying --------------------------------------------------------------------------------


def firebase_command() -> list[str]:
    """firebase-tools as the repository pins it (``FIREBASE`` overrides it, e.g. in tests)."""
    override = os.environ.get("FIREBASE")
    return shlex.split(override) if override else ["npx", "--no-install", "firebase"]


def run(args: list[str], *, root: Path, input: str | None = None, quiet: bool = False) -> int:
    print("+ " + shlex.join(args), flush=True)
    result = subprocess.run(args, cwd=root, input=input, text=True, check=False,
                            capture_output=quiet)  # fmt: skip
    return result.returncode


def check_secrets(plan: Plan, root: Path) -> None:
    firebase = firebase_command()
    missing_required = []
    for name in plan.required_secrets + plan.optional_secrets:
        exists = run([*firebase, "functions:secrets:get", name, "--project", plan.stage], root=root, quiet=True) == 0
        if exists:
            continue
        if name in plan.required_secrets:
            missing_required.append(name)
            continue
        print(f"deploy: {name} is not set: creating it as 'off' (that integration is not connected)")
        if run([*firebase, "functions:secrets:set", name, "--data-file", "-", "--project", plan.stage,
                "--non-interactive", "--force"], root=root, input="off") != 0:  # fmt: skip
            raise SystemExit(f"deploy: could not create the secret {name}")
    if missing_required:
        names = ", ".join(missing_required)
        raise SystemExit(
            f"deploy: required secret(s) missing in {plan.project_id}: {names}. Set each with "
            f"`npx firebase functions:secrets:set NAME --project {plan.stage}` (see the README, 'Deploying')."
        )


@contextlib.contextmanager
def release_env(root: Path, commit: str) -> Iterator[None]:
    """``functions/.env`` carries ``PORTAL_RELEASE`` for the duration of the deploy."""
    env_file = root / SOURCE / ".env"
    before = env_file.read_text() if env_file.exists() else None
    kept = [line for line in (before or "").splitlines() if not line.startswith(f"{RELEASE_VARIABLE}=")]
    env_file.write_text("\n".join([*kept, f"{RELEASE_VARIABLE}={commit}"]) + "\n")
    try:
        yield
    finally:
        if before is None:
            env_file.unlink(missing_ok=True)
        else:
            env_file.write_text(before)


def deploy(plan: Plan, root: Path, *, push_tag: bool, allow_dirty: bool) -> None:
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    if dirty and not allow_dirty:
        raise SystemExit("deploy: the working tree has uncommitted changes; commit them (the stage's tag "
                         "records the commit deployed) or pass --allow-dirty")  # fmt: skip
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    check_secrets(plan, root)
    firebase = firebase_command()
    with release_env(root, commit):
        status = run([*firebase, "deploy", "--project", plan.stage, "--only", plan.only(), "--non-interactive",
                      "--force"], root=root)  # fmt: skip
    if status != 0:
        raise SystemExit(status)
    if plan.removed:
        status = run([*firebase, "functions:delete", *plan.removed, "--region", REGION, "--project", plan.stage,
                      "--force", "--non-interactive"], root=root)  # fmt: skip
        if status != 0:
            raise SystemExit(status)
    tag = TAG.format(stage=plan.stage)
    subprocess.run(["git", "tag", "-f", tag, commit], cwd=root, check=True, capture_output=True)
    print(f"deploy: {plan.stage} now runs {commit[:12]} (tag {tag})")
    if push_tag:
        subprocess.run(["git", "push", "-f", "origin", f"refs/tags/{tag}"], cwd=root, check=True)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", required=True, help="the stage: an alias of .firebaserc (staging, production)")
    parser.add_argument("--plan", action="store_true", help="print what would be deployed and stop (offline)")
    parser.add_argument("--all", action="store_true", help="deploy every function, whatever changed")
    parser.add_argument("--since", help="compare with this commit instead of the stage's tag")
    parser.add_argument("--push-tag", action="store_true", help="push the stage's tag to origin after deploying")
    parser.add_argument("--allow-dirty", action="store_true", help="deploy uncommitted changes")
    args = parser.parse_args(list(argv) if argv is not None else None)
    plan = make_plan(args.project, since=args.since, everything=args.all)
    print(plan.describe(), flush=True)
    if not args.plan:
        deploy(plan, ROOT, push_tag=args.push_tag, allow_dirty=args.allow_dirty)
    return 0


if __name__ == "__main__":
    sys.exit(main())
