"""A crash test: the database restarts in the middle of 200 concurrent 留言 submissions.

The test starts a PRIVATE PostgreSQL instance of its own (initdb into a temporary directory, a
free port, its socket in that directory; never the machine's server), copies the migrated test
database into it, serves the portal from it with gunicorn (the anti-bot check waived for
127.0.0.1 by PUBLIC_FORM_CAPTCHA_OFF=1, rate limits raised), and has 200 citizens write at once,
each with a marker in the subject. After 50 answers it restarts the instance (pg_ctl restart -m
fast). What each citizen may see, and what is asserted:

- acknowledged: the POST redirects to the 受理回执 and the receipt shows the 受理编号 (a citizen
  whose receipt page fails reloads it, as anyone would): that message IS in the database, under
  that 受理编号, with that citizen's subject;
- refused: the POST gets the Chinese error page (500 服务暂时不可用, never a traceback): that
  message is NOT in the database (the page says only what showed 提交成功 was kept);
- no 受理编号 is given twice, no message is stored twice, nothing is stored that no one was
  acknowledged for, and some submissions are acknowledged after the restart.

PostgreSQL machines only (initdb, pg_ctl): skipped with the reason on SQLite; CI's PostgreSQL
run (.ci/run installs the programs) runs it, and there missing programs fail the test.
"""

import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.postgres_tools import client_env, pg_program

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="starts a private PostgreSQL instance: run with DATABASE_URL=postgres://… (CI does)",
    ),
    pytest.mark.django_db,
]

SUBMISSIONS = 200
CLIENTS = 40
RESTART_AFTER = 50
BOUND_SECONDS = 90  # the whole storm, restart included
PYTHON = Path(settings.BASE_DIR) / ".venv" / "bin" / "python"
TRACKING = re.compile(r'id="tracking-number">([^<]+)<')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(args):
    """initdb and pg_ctl refuse to run as root: run them as the postgres system user then."""
    args = [str(arg) for arg in args]
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivatePostgres:
    """A throw-away PostgreSQL instance in a temporary directory, on a port of its own."""

    def __init__(self, initdb, pg_ctl):
        self.pg_ctl = pg_ctl
        self.dir = Path(tempfile.mkdtemp(prefix="portal-crash-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self.options += " -c max_connections=100"
        subprocess.run(
            as_postgres([initdb, "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8"])
            + ["--no-sync", "--locale=C"],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def ctl(self, *args):
        log = self.dir / "server.log"
        command = [self.pg_ctl, "-D", self.data, "-l", log, "-w", "-t", "30", "-o", self.options]
        subprocess.run(as_postgres([*command, *args]), check=True, capture_output=True, timeout=60)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def copy_test_database(instance, programs):
    """The migrated test database into the private instance (faster than migrating again)."""
    source = connection.settings_dict
    env = client_env(source)
    target = {**env, "PGHOST": "127.0.0.1", "PGPORT": str(instance.port), "PGUSER": "postgres"}
    target.pop("PGPASSWORD", None)
    subprocess.run([programs["createdb"], "portal"], env=target, check=True, timeout=30)
    dump = subprocess.run(
        [programs["pg_dump"], "-Fc", "--no-owner", "-d", source["NAME"]],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [programs["pg_restore"], "--no-owner", "--exit-on-error", "-d", "portal"],
        input=dump.stdout,
        env=target,
        check=True,
        capture_output=True,
        timeout=120,
    )


def server_env(instance):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "DJANGO_DEBUG": "0",  # the production error pages
        "DATABASE_URL": instance.url("portal"),
        "PUBLIC_FORM_CAPTCHA_OFF": "1",
        "PUBLIC_FORM_RATE_IP": "100000/h",
        "PUBLIC_FORM_RATE_PHONE": "100000/h",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "REDIS_URL": "",
        "CACHE_URL": "",
    }


def make_category(env):
    code = (
        "from tests.complaints.factories import MessageCategoryFactory;"
        "print(MessageCategoryFactory(name='不动产登记').pk)"
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return int(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def serve(env, port, log):
    """gunicorn on 127.0.0.1:port (its log in `log`, shown when the test fails)."""
    process = subprocess.Popen(
        [PYTHON.with_name("gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "8", "--worker-class", "gthread", "--timeout", "60"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/zmhd/", timeout=30).read()
                break
            except OSError:  # refused while gunicorn binds, or timed out while Django loads
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)  # polling gunicorn's start, not waiting for time to pass
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(opener, url, data=None):
    """(status, body, location) of one request; HTTP errors are answers, not exceptions."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status, response.read().decode(), response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers.get("Location")


def again(opener, url, *, seconds=20):
    """GET until the page answers 200 (a citizen reloading while the database restarts)."""
    deadline = time.monotonic() + seconds
    while True:
        status, body, _ = fetch(opener, url)
        if status == 200 or time.monotonic() > deadline:
            return status, body
        time.sleep(0.2)  # polling the restart, bounded


def citizen(base, category, n, restarting):
    """One citizen: the empty form, the POST, the receipt. Returns what they saw."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form_url = f"{base}/zmhd/xiexin/"
    status, page = again(opener, form_url)
    if status != 200:
        return {"n": n, "outcome": "no form", "status": status, "body": page}
    data = {
        "csrfmiddlewaretoken": CSRF.search(page).group(1),
        "kind": "inquiry",
        "category": category,
        "subject": f"断电测试第{n:03d}号",
        "body": "请问不动产登记证书遗失后如何补办？需要带哪些材料？",
        "sender_name": "王晓明",
        "sender_phone": f"139{n:08d}",
        "sender_email": "",
        "has_publication_consent": "0",
        "website": "",
    }
    posted_during_or_after_restart = restarting.is_set()
    status, body, location = fetch(opener, form_url, data)
    seen = {"n": n, "status": status, "body": body, "subject": data["subject"]}
    seen["late"] = posted_during_or_after_restart
    if status == 302 and location:
        receipt_status, receipt = again(opener, urllib.parse.urljoin(form_url, location))
        found = TRACKING.search(receipt)
        if receipt_status == 200 and found:
            return {**seen, "outcome": "acknowledged", "tracking_number": found.group(1)}
        return {**seen, "outcome": "no receipt", "status": receipt_status, "body": receipt}
    if status == 500:
        return {**seen, "outcome": "refused"}
    return {**seen, "outcome": "unexpected"}


def test_a_database_restart_during_200_submissions_loses_nothing_acknowledged():
    server_major = connection.pg_version // 10000
    names = ("initdb", "pg_ctl", "pg_dump", "pg_restore", "createdb")
    programs = {name: pg_program(name, at_least=server_major) for name in names}
    missing = [name for name, path in programs.items() if path is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: apt-get install postgresql (.ci/run does)")

    instance = PrivatePostgres(programs["initdb"], programs["pg_ctl"])
    try:
        instance.ctl("start")
        copy_test_database(instance, programs)
        env = server_env(instance)
        category = make_category(env)
        with open(instance.dir / "gunicorn.log", "w") as log, serve(env, free_port(), log) as base:
            answered = []
            restarting, restarted = threading.Event(), threading.Event()
            lock = threading.Lock()

            def one(n):
                result = citizen(base, category, n, restarting)
                with lock:
                    answered.append(result)
                    due = len(answered) == RESTART_AFTER
                if due:
                    restarting.set()
                    instance.ctl("restart", "-m", "fast")
                    restarted.set()
                return result

            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                results = list(pool.map(one, range(SUBMISSIONS)))
            elapsed = time.monotonic() - started

        with psycopg.connect(instance.url("portal")) as conn:
            stored = conn.execute(
                "SELECT tracking_number, subject FROM complaints_message"
            ).fetchall()
    finally:
        instance.remove()

    assert restarted.is_set() and elapsed < BOUND_SECONDS
    by_outcome = {}
    for result in results:
        by_outcome.setdefault(result["outcome"], []).append(result)
    strange = {
        k: [(r["n"], r["status"], r["body"][:300]) for r in v] for k, v in by_outcome.items()
    }
    assert set(by_outcome) <= {"acknowledged", "refused"}, strange
    acknowledged = by_outcome.get("acknowledged", [])
    refused = by_outcome.get("refused", [])
    late = sum(r["late"] for r in acknowledged)
    print(  # shown with -s: what the storm did
        f"{len(acknowledged)} acknowledged ({late} posted after the restart began), "
        f"{len(refused)} refused with the error page, {len(stored)} stored, {elapsed:.1f} s"
    )
    stored_numbers = [number for number, _ in stored]
    stored_subjects = [subject for _, subject in stored]
    # No 受理编号 twice, no message twice.
    assert len(set(stored_numbers)) == len(stored_numbers)
    assert len(set(stored_subjects)) == len(stored_subjects)
    assert len({r["tracking_number"] for r in acknowledged}) == len(acknowledged)
    # Every acknowledged submission is there, under its own 受理编号; nothing else is.
    assert {(r["tracking_number"], r["subject"]) for r in acknowledged} == set(stored)
    # A refusal is the Chinese error page, never a traceback, and its message was not kept.
    for result in refused:
        assert "服务暂时不可用" in result["body"] and "Traceback" not in result["body"]
        assert result["subject"] not in stored_subjects
    # The restart happened in the middle: acknowledged posts from before and after it began.
    assert any(not r["late"] for r in acknowledged)
    assert any(r["late"] for r in acknowledged)
