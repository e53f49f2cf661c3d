"""Relaying a large upload through the files service: memory stays bounded by the chunk size.

The browser's side is simulated: a 1 GiB file (by default) is sent in 8 MiB chunks to
``files.service.put_chunk``, which relays each into a resumable session of the Drive
stand-in (its own process, on a free port, keeping the bytes on disk). Reported: the
relay's throughput against copying the same bytes to a local file, as a ratio, and the
peak memory of this process while relaying (Python allocations by tracemalloc, and the
growth of the resident set) against the chunk size.

Needs the Firestore emulator for the upload documents:

    EMULATORS=firestore scripts/emulators.sh exec --project demo-portal-bench \
        "functions/venv/bin/python bench/upload_relay.py [--mib 1024] [--chunk-mib 8]"
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
os.environ.setdefault("GCLOUD_PROJECT", "demo-portal-bench")
os.environ.setdefault("FIRESTORE_EMULATOR_HOST", "127.0.0.1:8080")

MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def chunks(total: int, size: int, block: bytes) -> list[tuple[int, int]]:
    return [(start, min(size, total - start)) for start in range(0, total, size)]


def relay(total: int, chunk: int, block: bytes, api_url: str) -> tuple[float, int, float]:
    from portal import db
    from portal.files import service
    from portal.identity import Caller, Role
    from portal.integrations.drive import Drive

    db.client().collection("orgs").document("bench").set({"name": "Bench", "kind": "client"})
    caller = Caller("bench-user", "bench@client.test", Role.CLIENT_OWNER, "bench")
    drive = Drive("root", api_url=api_url)
    os.environ["FILES_MAX_BYTES"] = str(total)
    os.environ["FILES_CHUNK_BYTES"] = str(chunk)
    started = service.start_upload(caller, "bench.mp4", total, "video/mp4", drive=drive)
    rss_before = rss_mib()
    rss_peak = rss_before
    tracemalloc.start()
    t = time.perf_counter()
    answer: dict = {}
    for start, length in chunks(total, chunk, block):
        data = block[:length]
        answer = service.put_chunk(caller, started["id"], f"bytes {start}-{start + length - 1}/{total}", data,
                                   drive=drive)  # fmt: skip
        rss_peak = max(rss_peak, rss_mib())
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert answer["file"]["size"] == total, answer
    return elapsed, peak, rss_peak - rss_before


def local_copy(total: int, chunk: int, block: bytes) -> float:
    with tempfile.NamedTemporaryFile() as out:
        t = time.perf_counter()
        for _, length in chunks(total, chunk, block):
            out.write(block[:length])
        out.flush()
        os.fsync(out.fileno())
        return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--chunk-mib", type=int, default=8, help="chunk size in MiB (default 8)")
    args = parser.parse_args()
    total, chunk = args.mib * MIB, args.chunk_mib * MIB
    block = MP4_HEAD + os.urandom(chunk - len(MP4_HEAD))  # the browser's buffer, reused per chunk
    port = free_port()
    standin = subprocess.Popen([sys.executable, str(ROOT / "dev" / "standins" / "drive.py"), str(port)],
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert standin.stdout is not None
        standin.stdout.readline()  # "Drive stand-in on ..."
        elapsed, peak, rss_growth = relay(total, chunk, block, f"http://127.0.0.1:{port}/")
    finally:
        standin.terminate()
        standin.wait(10)
    copy = local_copy(total, chunk, block)
    relay_rate, copy_rate = total / MIB / elapsed, total / MIB / copy
    print(f"file {args.mib} MiB in {len(chunks(total, chunk, block))} chunks of {args.chunk_mib} MiB")
    print(f"relay through the service to the Drive stand-in: {elapsed:.2f} s, {relay_rate:.0f} MiB/s")
    print(f"local copy of the same bytes to a file:          {copy:.2f} s, {copy_rate:.0f} MiB/s")
    print(f"throughput ratio relay/local: {relay_rate / copy_rate:.2f}")
    print(f"peak Python allocations while relaying: {peak / MIB:.1f} MiB ({peak / chunk:.2f} x the chunk size)")
    print(f"resident set growth while relaying:     {rss_growth:.1f} MiB")


if __name__ == "__main__":
    main()
