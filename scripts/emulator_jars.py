"""Point firebase-tools at a locally installed Firestore / Pub/Sub emulator.

firebase-tools downloads its emulator JARs on first use. Where the Google Cloud CLI
ships them already (Debian package google-cloud-cli-firestore-emulator and the
pubsub emulator component), this script prints shell ``export`` lines that make
firebase-tools use those copies instead. The Cloud CLI's Firestore JAR has no
Main-Class, so a small wrapper JAR holding only a manifest is written next to the
project's other generated files. Prints nothing when no Cloud CLI copy is found, in
which case firebase-tools fetches its own emulators as usual.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"


def cloud_sdk_root() -> Path | None:
    candidates = [Path("/usr/lib/google-cloud-sdk")]
    gcloud = shutil.which("gcloud")
    if gcloud:
        try:
            out = subprocess.run(
                [gcloud, "info", "--format=value(installation.sdk_root)"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            ).stdout.strip()
            if out:
                candidates.insert(0, Path(out))
        except (OSError, subprocess.TimeoutExpired):
            pass
    for root in candidates:
        if (root / "platform").is_dir():
            return root
    return None


def wrapper_jar(real_jar: Path, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    jar = out_dir / "cloud-firestore-emulator-wrapper.jar"
    manifest = f"Manifest-Version: 1.0\nMain-Class: {MAIN_CLASS}\nClass-Path: {real_jar.resolve().as_uri()}\n\n"
    if jar.exists():
        with zipfile.ZipFile(jar) as zf:
            if zf.read("META-INF/MANIFEST.MF").decode() == manifest:
                return jar
    with zipfile.ZipFile(jar, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", manifest)
    return jar


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".cache")
    root = cloud_sdk_root()
    if root is None:
        return 0
    firestore_jar = root / "platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
    if firestore_jar.is_file():
        print(f"export FIRESTORE_EMULATOR_BINARY_PATH={wrapper_jar(firestore_jar, out_dir).resolve()}")
    pubsub = root / "platform/pubsub-emulator/bin/cloud-pubsub-emulator"
    if pubsub.is_file():
        print(f"export PUBSUB_EMULATOR_BINARY_PATH={pubsub}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
