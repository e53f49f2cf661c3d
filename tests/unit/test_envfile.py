"""scripts/envfile.py reads Firebase-style dotenv files the way the emulator does, so that
`make dev` can hand the same configuration to the admin CLI."""

from __future__ import annotations

import importlib.util
import pathlib
import shlex
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("envfile", ROOT / "scripts" / "envfile.py")
assert spec and spec.loader
envfile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(envfile)


def test_values_a_shell_could_not_source_are_read_as_written() -> None:
    text = (
        "# a comment\n"
        "SMTP_FROM=Client portal <portal@localhost>\n"
        'QUOTED="two words \\"here\\""\n'
        "SINGLE='$not_expanded'\n"
        "TRAILING=value # comment\n"
        "\n"
        "not a line\n"
    )
    assert envfile.parse(text) == {
        "SMTP_FROM": "Client portal <portal@localhost>",
        "QUOTED": 'two words "here"',
        "SINGLE": "$not_expanded",
        "TRAILING": "value",
    }


def test_exports_survive_the_shell(tmp_path: pathlib.Path) -> None:
    env = tmp_path / ".env.local"
    env.write_text("SMTP_FROM=Client portal <portal@localhost>\nX=$(echo no)\n")
    loader = shlex.quote(str(ROOT / "scripts" / "envfile.py"))
    script = f'eval "$(python3 {loader} {shlex.quote(str(env))} missing)"; printf "%s|%s" "$SMTP_FROM" "$X"'
    out = subprocess.run(["/bin/bash", "-c", script], capture_output=True, text=True, check=True).stdout
    assert out == "Client portal <portal@localhost>|$(echo no)"
