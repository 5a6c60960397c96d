"""The open-source VC library the credential tests check with (tools/vc-check, Node).

`make test` installs it (`npm ci` in tools/vc-check) where Node 20+ and npm are present; on a
machine without them those tests are skipped, saying how to enable them. CI sets
``XUEXIN_REQUIRE_VC_CHECK=1`` (`.ci/run`), so there a missing Node or package fails the run
instead of quietly skipping, as ``XUEXIN_REQUIRE_BROWSER`` does for the browser tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "tools" / "vc-check"
HOW_TO_ENABLE = (
    "VC library tests skipped: Node 20+ with the packages of tools/vc-check is needed. Install "
    "Node and npm (`apt-get install nodejs npm`) and run `make vc-check` (npm ci there); "
    "CI (.ci/run) installs them and always runs these tests."
)


def required() -> bool:
    return os.environ.get("XUEXIN_REQUIRE_VC_CHECK", "") not in {"", "0", "false"}


def command() -> list[str] | None:
    """``node verify.mjs``, or None when Node or the installed packages are missing."""
    node = shutil.which("node")
    if node is None or not (CHECKER / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        return None
    return [node, str(CHECKER / "verify.mjs")]


def run(checker: list[str], path: Path) -> dict[str, object]:
    """The checker's verdict on a credential file: its JSON line, plus its exit status."""
    finished = subprocess.run(  # noqa: S603 - the repository's own script, a file we wrote
        [*checker, str(path)], capture_output=True, text=True, timeout=120, check=False
    )
    lines = finished.stdout.strip().splitlines()
    if not lines:
        raise AssertionError(f"the VC checker printed nothing: {finished.stderr}")
    verdict = json.loads(lines[-1])
    verdict["exit"] = finished.returncode
    return verdict
