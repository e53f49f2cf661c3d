"""Print the variables of Firebase-style dotenv files as shell `export` lines.

The files use Firebase's dotenv syntax (KEY=value, optional quotes, # comments), which a
shell cannot source safely (a value such as `Name <a@b>` is a syntax error there).
Usage: eval "$(python3 scripts/envfile.py functions/.env.local functions/.secret.local)"
"""

from __future__ import annotations

import re
import shlex
import sys

LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def parse(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            quote, value = value[0], value[1:-1]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"')
        else:
            value = re.sub(r"\s+#.*$", "", value)
        values[key] = value
    return values


def main(paths: list[str]) -> None:
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                values = parse(handle.read())
        except FileNotFoundError:
            continue
        for key, value in values.items():
            print(f"export {key}={shlex.quote(value)}")


if __name__ == "__main__":
    main(sys.argv[1:])
