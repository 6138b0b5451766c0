"""The mixed load of `make bench` (called by bench/run.py against the cached server).

Anonymous readers on the homepage and section pages, column lists, item pages, service guides
and searches, each kind driven by its own wrk process (bench/mixed.lua) over its set of paths, all
at once; meanwhile a member of staff, logged in through the admin's login form, publishes a
submitted draft every PUBLISH_EVERY seconds through the admin's 审核发布 page, and a citizen sends
a 政民互动 message every FORM_EVERY seconds through the public form. Reports per page kind the
throughput, p95 and p99, the page cache's hit rate (X-Cache: hit) over all readers' answers, and
how many publications and submissions went through.
"""

import http.cookiejar
import json
import re
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

PUBLISH_EVERY = 10.0
FORM_EVERY = 1.0
CONNECTIONS = {"home": 2, "list": 4, "item": 6, "guide": 2, "search": 2}
CHECKLIST = ["no_state_secret", "no_personal_data", "no_commercial_secret", "wording_checked"]
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """A cookie-keeping HTTP client that never follows redirects (their status is the answer)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self.NoRedirect()
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, path, fields):
        """POST fields with the CSRF token of the form page at path; return the status."""
        status, html = self.get(path)
        token = TOKEN_RE.search(html)
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token and token[1]})
        request = urllib.request.Request(
            self.base + path, data=data.encode(), headers={"Referer": self.base + path}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def publisher(base, setup, stop, outcome):
    staff = Browser(base)
    status = staff.post(
        "/admin/login/?next=/admin/",
        {"username": setup["username"], "password": setup["password"], "next": "/admin/"},
    )
    if status != 302:
        outcome["publish_errors"] = f"登录失败：HTTP {status}"
        return
    drafts = list(setup["drafts"])
    while drafts and not stop.wait(PUBLISH_EVERY):
        pk = drafts.pop(0)
        started = time.perf_counter()
        status = staff.post(
            f"/admin/disclosure/item/{pk}/do/approve/", dict.fromkeys(CHECKLIST, "on")
        )
        if status == 302:
            outcome["published"].append((pk, round((time.perf_counter() - started) * 1000, 1)))
        else:
            outcome["publish_failures"] += 1


def citizen(base, stop, outcome):
    number = 0
    category = None
    while not stop.wait(FORM_EVERY):
        number += 1
        sender = Browser(base)
        if category is None:
            _, html = sender.get("/zmhd/xiexin/")
            found = re.search(r'name="category"[^>]*>.*?<option value="(\d+)"', html, re.S)
            category = found[1] if found else ""
        status = sender.post(
            "/zmhd/xiexin/",
            {
                "kind": "inquiry",
                "category": category,
                "subject": f"关于宅基地审批进度的咨询（{number}）",
                "body": "请问本村宅基地审批需要多长时间，需要准备哪些材料？",
                "sender_name": "王小明",
                "sender_phone": f"138{number % 10**8:08d}",
                "has_publication_consent": "0",
            },
        )
        outcome["forms"].append(status)


def run(base, search_paths, duration, setup):
    """Run the mixed load for duration seconds and return its figures."""
    paths = {**setup["paths"], "search": search_paths}
    outcome = {"published": [], "publish_failures": 0, "forms": []}
    stop = threading.Event()
    workers = [
        threading.Thread(target=publisher, args=(base, setup, stop, outcome)),
        threading.Thread(target=citizen, args=(base, stop, outcome)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        readers = {}
        for kind, members in paths.items():
            listing = Path(folder) / f"{kind}.txt"
            listing.write_text("\n".join(members) + "\n")
            for path in members:  # warm: what a site that has been read looks like
                urllib.request.urlopen(base + path, timeout=60).read()  # noqa: S310
            readers[kind] = listing
        for worker in workers:
            worker.start()
        processes = {
            kind: subprocess.Popen(
                [
                    "wrk",
                    "-t1",
                    f"-c{CONNECTIONS[kind]}",
                    f"-d{duration}s",
                    "-s",
                    str(Path(__file__).with_name("mixed.lua")),
                    base,
                    "--",
                    str(listing),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for kind, listing in readers.items()
        }
        results = {}
        for kind, process in processes.items():
            output, _ = process.communicate(timeout=duration + 120)
            line = next(row for row in output.splitlines() if row.startswith("RESULT "))
            results[kind] = json.loads(line.removeprefix("RESULT "))
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    figures = {}
    hits = answers = requests = 0
    for kind, result in results.items():
        rps = result["requests"] / result["seconds"]
        figures[f"mixed_{kind}_rps"] = (round(rps, 2), "req/s")
        figures[f"mixed_{kind}_p95"] = (round(result["p95"] / 1000, 1), "ms")
        figures[f"mixed_{kind}_p99"] = (round(result["p99"] / 1000, 1), "ms")
        figures[f"mixed_{kind}_errors"] = (result["errors"], "responses")
        hits += result["hits"]
        answers += result["hits"] + result["misses"]
        requests += rps
    figures["mixed_readers_rps"] = (round(requests, 2), "req/s")
    figures["mixed_hit_rate"] = (round(100 * hits / max(answers, 1), 2), "%")
    figures["mixed_publications"] = (len(outcome["published"]), "items")
    figures["mixed_publication_failures"] = (outcome["publish_failures"], "items")
    if outcome["published"]:
        slowest = max(ms for _, ms in outcome["published"])
        figures["mixed_publication_slowest"] = (slowest, "ms")
    forms = outcome["forms"]
    figures["mixed_forms_sent"] = (sum(status == 302 for status in forms), "messages")
    figures["mixed_forms_refused"] = (sum(status != 302 for status in forms), "messages")
    if "publish_errors" in outcome:
        print("#", outcome["publish_errors"])
    return figures
