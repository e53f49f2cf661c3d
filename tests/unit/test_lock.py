"""The Python dependencies are locked: every package, transitive ones included, at one version
with its hashes, in ``requirements-dev.lock`` (what make dev and make test install) and in
``functions/requirements.txt`` (what a deploy installs, generated from the same versions by
``make lock``); and the tests run exactly the locked versions."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")
TOOLS = {"pytest", "playwright", "ruff", "mypy", "locust", "schemathesis", "aiosmtpd", "uv", "pytest-timeout"}


def locked(path: Path) -> dict[str, tuple[str, str | None, int]]:
    """``{package: (version, marker, hashes)}`` of a hashed requirements file."""
    found: dict[str, tuple[str, str | None, int]] = {}
    current = ""
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            assert current not in found or found[current][0] == match[2], f"{path.name}: two versions of {current}"
            found[current] = (match[2], match[3], 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, marker, hashes = found[current]
            found[current] = (version, marker, hashes + 1)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{path.name}: a line that is neither a pin nor a hash: {line!r}")
    return found


def pins(path: Path) -> dict[str, str]:
    """The direct pins of a ``.in`` file and the files it includes."""
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            found.update(pins(ROOT / line[3:].strip()))
        elif "==" in line:
            name, version = line.split("==")
            found[canonicalize_name(name.split("[")[0])] = version.strip()
    return found


def test_every_package_is_pinned_with_hashes() -> None:
    for path in (ROOT / "requirements-dev.lock", ROOT / "functions/requirements.txt"):
        packages = locked(path)
        assert len(packages) > 50, path
        assert [name for name, (_, _, hashes) in packages.items() if hashes == 0] == [], path


def test_the_deploy_installs_the_locked_versions_and_no_tools() -> None:
    everything = locked(ROOT / "requirements-dev.lock")
    deployed = locked(ROOT / "functions/requirements.txt")
    assert {name: v for name, (v, _, _) in deployed.items()} == {name: everything[name][0] for name in deployed}
    assert not TOOLS & set(deployed)
    assert {"firebase-functions", "firebase-admin", "functions-framework", "google-cloud-firestore"} <= set(deployed)


def test_the_direct_pins_are_the_locked_versions() -> None:
    everything = locked(ROOT / "requirements-dev.lock")
    deployed = locked(ROOT / "functions/requirements.txt")
    for name, version in pins(ROOT / "requirements-dev.in").items():
        assert everything[name][0] == version, name
    for name, version in pins(ROOT / "functions/requirements.in").items():
        assert deployed[name][0] == version, name


def test_the_tests_run_the_locked_versions() -> None:
    """What this interpreter has installed is what the lock says (for this platform)."""
    wrong = {}
    for name, (version, marker, _) in locked(ROOT / "requirements-dev.lock").items():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            wrong[name] = (installed, version)
    assert wrong == {}, f"installed vs locked: {wrong} (run scripts/setup.sh)"
