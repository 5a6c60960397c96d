"""`make restore-drill`: back up, restore into a scratch database, and check nothing was lost.

1. a source database (XUEXIN_DRILL_SOURCE, default the local ``xuexin_drill_source``; created and
   seeded with the demo data when it does not exist yet) and its private media;
2. deploy/backup.sh; 3. a fresh scratch database ``xuexin_drill_restore`` and media folder,
   deploy/restore.sh into them;
4. row counts of every project table, and the name and SHA-256 of every media file, compared;
   exit 1 on any difference. The scratch database is dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"
SOURCE_DB = os.environ.get("XUEXIN_DRILL_SOURCE", "xuexin_drill_source")
SCRATCH_DB = "xuexin_drill_restore"
APPS = ("accounts", "records", "helpcenter", "verification", "audit")


def sh(*args: str, env: dict[str, str] | None = None, capture: bool = False) -> str:
    result = subprocess.run(args, cwd=BASE_DIR, env=env, check=True, text=True,
                            capture_output=capture)  # fmt: skip
    return result.stdout if capture else ""


def psql(db: str, sql: str) -> str:
    return sh("psql", "-X", "-A", "-t", "-q", f"{PG}/{db}", "-c", sql, capture=True).strip()


def exists(db: str) -> bool:
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def counts(db: str) -> dict[str, int]:
    tables = psql(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    wanted = [t for t in tables.split() if t.startswith(APPS)]
    return {t: int(psql(db, f'SELECT count(*) FROM "{t}"')) for t in wanted}  # noqa: S608


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="xuexin-drill-"))
    source_media = BASE_DIR / "var" / "drill" / "private"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUEXIN_"))}
    env.update({
        "DATABASE_URL": f"{PG}/{SOURCE_DB}",
        "XUEXIN_VAR_DIR": str(BASE_DIR / "var" / "drill"),
        "XUEXIN_PRIVATE_MEDIA_ROOT": str(source_media),
    })  # fmt: skip
    if not exists(SOURCE_DB):
        print(f"creating and seeding {SOURCE_DB}")
        sh("createdb", "-h", "127.0.0.1", "-U", "postgres", SOURCE_DB)
        sh(sys.executable, "manage.py", "migrate", "--noinput", env=env)
        sh(sys.executable, "manage.py", "seed_demo", env=env, capture=True)
    dump, media_tar = sh("bash", "deploy/backup.sh", str(work), env=env, capture=True).split()
    sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", SCRATCH_DB)
    sh("createdb", "-h", "127.0.0.1", "-U", "postgres", SCRATCH_DB)
    restored_media = work / "restored-private"
    try:
        sh("bash", "deploy/restore.sh", dump, media_tar, f"{PG}/{SCRATCH_DB}", str(restored_media))
        before, after = counts(SOURCE_DB), counts(SCRATCH_DB)
        files_before, files_after = digests(source_media), digests(restored_media)
    finally:
        sh("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", SCRATCH_DB)
    problems = [f"{t}: {before[t]} rows before, {after.get(t)} after"
                for t in before if before[t] != after.get(t)]  # fmt: skip
    if files_before != files_after:
        problems.append(f"media: {len(files_before)} files before, {len(files_after)} after, "
                        "or contents differ")  # fmt: skip
    rows = sum(before.values())
    print(f"tables compared: {len(before)}, rows: {rows}, media files: {len(files_before)}")
    if problems or not rows or not files_before:
        print("RESTORE DRILL FAILED:\n  " + "\n  ".join(problems or ["nothing was backed up"]))
        return 1
    print("restore drill OK: every table and every media file came back identical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
