"""Wall time and peak memory of a command and of everything it starts (the test suite's figures).

    python3 bench/footprint.py -- bash .ci/run
    python3 bench/footprint.py --every 2 -- make test

``/usr/bin/time -v`` reports the largest single process; a test run is hundreds of processes
(the emulators' JVMs and Node, a Python worker per busy function, Chromium, pytest). This samples
the whole process tree every ``--every`` seconds from ``/proc``: the sum of each process's
proportional set size (PSS: a page shared by n processes counts 1/n in each, so the sum is the
memory the tree really holds), the sum of RSS beside it (shared pages counted in every process:
an upper bound), the number of processes and of the Functions emulator's Python workers. It
prints one summary line at the end, and the command's exit code is its own.

Processes that leave the tree (a daemon that re-parents itself to init) are no longer counted:
none of the suite's does. Only Linux (``/proc``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(root: int) -> list[int]:
    tree = children_map()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(tree.get(pid, []))
    return found


def memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in KiB; (0, 0) if it has gone."""
    pss = rss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def is_worker(pid: int) -> bool:
    try:
        return b"functions-framework" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Sampler(threading.Thread):
    def __init__(self, root: int, every: float) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.peak = {"pss": 0, "rss": 0, "processes": 0, "workers": 0}
        self.samples = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pids = descendants(self.root)
            sizes = [memory_kib(p) for p in pids]
            now = {
                "pss": sum(s[0] for s in sizes),
                "rss": sum(s[1] for s in sizes),
                "processes": len(pids),
                "workers": sum(1 for p in pids if is_worker(p)),
            }
            self.peak = {k: max(v, now[k]) for k, v in self.peak.items()}
            self.samples += 1
            self.stop.wait(self.every)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    started = time.monotonic()
    process = subprocess.Popen(command)
    sampler = Sampler(process.pid, args.every)
    sampler.start()
    code = process.wait()
    sampler.stop.set()
    sampler.join()
    wall = time.monotonic() - started
    peak = sampler.peak
    print(
        f"footprint: wall {wall / 60:.1f} min ({wall:.0f} s); peak PSS {peak['pss'] / 2**20:.2f} GiB "
        f"(RSS sum {peak['rss'] / 2**20:.2f} GiB); peak processes {peak['processes']}, "
        f"Functions workers {peak['workers']}; {sampler.samples} samples every {args.every:g} s; exit {code}",
        file=sys.stderr,
        flush=True,
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
