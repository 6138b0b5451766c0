"""PostgreSQL's command-line programs for the tests that need them (backup, restore, crash).

Debian puts pg_dump, pg_restore, createdb and dropdb on PATH (postgresql-client) and initdb and
pg_ctl under /usr/lib/postgresql/<major>/bin (postgresql). `.ci/run` installs them when absent.
"""

import glob
import os
import re
import shutil
import subprocess


def pg_program(name: str, *, at_least: int = 0) -> str | None:
    """The newest `name` on this machine whose major version is at least `at_least`, or None."""
    candidates = [shutil.which(name), *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))]
    best = None
    for path in filter(None, candidates):
        major = program_major(path)
        if major >= at_least and (best is None or major > best[0]):
            best = (major, path)
    return best[1] if best else None


def program_major(path: str) -> int:
    """The major version a PostgreSQL program reports (`pg_dump (PostgreSQL) 15.20` → 15)."""
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)
    found = re.search(r"(\d+)(?:\.\d+)?", output.stdout)
    return int(found.group(1)) if found else 0


def client_env(settings_dict: dict) -> dict:
    """Environment for libpq programs to reach the database Django is connected to."""
    env = {**os.environ, "PGHOST": settings_dict.get("HOST") or "127.0.0.1"}
    env["PGPORT"] = str(settings_dict.get("PORT") or 5432)
    if settings_dict.get("USER"):
        env["PGUSER"] = settings_dict["USER"]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env
