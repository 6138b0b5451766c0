"""`make bench`: throughput and latency of the public site under gunicorn on PostgreSQL.

1. Makes sure the benchmark database (BENCH_DATABASE_URL, default portal_bench on 127.0.0.1)
   holds BENCH_ITEMS published items (1,000,000 by default), generating the missing ones once.
2. Serves the site with gunicorn (2 workers, production settings), first without the page cache,
   then with it (shared through Redis, as in production).
3. Drives it from this second process with wrk: /healthz (the no-database baseline), the
   homepage, a column list (page 1 and a deep page), an item page, and the same list (page 1 and
   a cursor 400 pages deep) and item through the open-data API (/api/v1/); and measures the
   latency (p50/p95/p99) of search over five typical 2–4 character queries and of a filtered API
   list (column, year, validity).
4. With the page cache, runs the mixed load of bench/mixed.py (readers of every page kind, a
   publication every 10 s by a staff session, a form submission every second) for
   BENCH_MIXED_SECONDS (60): throughput, p95/p99 per page kind and the cache's hit rate.
5. Prints one `name value unit` line per figure and the ratios page_rps / healthz_rps, and writes
   the same to bench/latest.json.
"""

import base64
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import mixed as bench_mixed  # bench/mixed.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
ITEMS = int(os.environ.get("BENCH_ITEMS", "1000000"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
BASE = f"http://127.0.0.1:{PORT}"
SEARCHES = ["土地", "征收", "不动产登记", "公告", "宅基地"]
# Rare words and words concentrated in older rows (the worst case of the search: a year ago, a
# document-number year a decade old, a village's name, a word in few bodies).
RARE_SEARCHES = ["2025", "2017", "2018年", "矿山地质环境", "复垦", "竞买保证金", "非粮化"]
MIXED_SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "60"))
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE": "0",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    # Benchmark-only keys of the personal data at rest, fixed so that later runs read the rows.
    "PII_KEYS": "bench:" + base64.b64encode(b"benchmark-only-personal-data-key").decode(),
    "PII_KEY_ID": "bench",
    "PII_HASH_KEY": base64.b64encode(b"benchmark-only-lookup-hash-key!!").decode(),
    "PUBLIC_PAGE_CACHE_SECONDS": "0",
    "API_CACHE_SECONDS": "0",
    "API_RATE": "",  # wrk sends thousands of requests a second from one address
    # The mixed load's citizen sends a message a second from this machine, its staff member
    # publishes from a password login (the TOTP step is for people, not for the load).
    "PUBLIC_FORM_CAPTCHA_OFF": "1",
    "PUBLIC_FORM_RATE_IP": "100000/h",
    "PUBLIC_FORM_RATE_PHONE": "100000/h",
    "STAFF_OTP_REQUIRED": "0",
    "REDIS_URL": "",
    "CACHE_URL": "",
}


def manage(*args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else None


def ensure_database():
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(
                f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' "
                "LC_CTYPE 'C.UTF-8' TEMPLATE template0"
            )
    manage("migrate", "--noinput", "-v", "0")
    count = int(
        manage(
            "shell",
            "-c",
            "from disclosure.models import Item; print(Item.objects.count())",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )
    if count < ITEMS:
        if count == 0:
            manage("load_demo")
        print(f"# generating {ITEMS - count} items (once; later runs reuse them)", flush=True)
        manage("generate_items", "--count", str(ITEMS - count), "--batch-size", "10000")
        count = ITEMS
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        # As autovacuum leaves a live database: statistics, and the visibility map without which
        # PostgreSQL will not read a deep page's ids from the covering index alone (a freshly
        # generated table made page 400 an index scan over the rows, 13 ms instead of 1.5 ms).
        connection.execute("VACUUM (ANALYZE)")
        item_id = connection.execute(
            "SELECT id FROM disclosure_item WHERE status = 'published' "
            "AND disclosure_type = 'proactive' ORDER BY id LIMIT 1 OFFSET %s",
            [count // 2],
        ).fetchone()[0]
        deep_cursor = api_cursor(connection, "tzgg", DEEP_ROW)
    return count, item_id, deep_cursor


DEEP_ROW = 8000  # the row a deep page starts after: page 400 of 20


def api_cursor(connection, slug, row):
    """Return the API's cursor (api.pagination) that starts after the row-th item of a column,
    as a reader who paged there would hold it (None if the column is shorter)."""
    found = connection.execute(
        "SELECT i.published_at, i.id FROM disclosure_item i "
        "JOIN disclosure_category c ON c.id = i.category_id "
        "WHERE c.slug = %s AND i.status = 'published' AND i.disclosure_type = 'proactive' "
        "ORDER BY i.published_at DESC, i.id DESC LIMIT 1 OFFSET %s",
        [slug, row - 1],
    ).fetchone()
    if found is None:
        return None
    raw = json.dumps([found[0].isoformat(), found[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def mixed_setup():
    """The mixed load's staff account, drafts and reader paths (bench/mixed_setup.py)."""
    script = (ROOT / "bench" / "mixed_setup.py").read_text()
    output = manage("shell", "-c", script, capture=True)
    line = next(row for row in output.splitlines() if row.startswith("SETUP "))
    return json.loads(line.removeprefix("SETUP "))


def wait_until_up(timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def wrk(path):
    """Return requests per second and the latency percentiles wrk reports for one URL."""
    output = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{DURATION}", "--latency", BASE + path],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        raise SystemExit(f"{path}: {non_2xx.group(1)} error responses\n{output}")
    return rps


def latency_ms(path, repeat=40):
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        with urllib.request.urlopen(BASE + path, timeout=120) as response:  # noqa: S310
            response.read()
            assert response.status == 200
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return timings


def percentile(sorted_values, fraction):
    index = min(int(round(fraction * (len(sorted_values) - 1))), len(sorted_values) - 1)
    return sorted_values[index]


def serve_and_measure(item_id, deep_cursor, *, cached):
    """Start gunicorn (with or without the page cache) and measure every page."""
    env = {
        **ENV,
        "PUBLIC_PAGE_CACHE_SECONDS": "60" if cached else "0",
        "API_CACHE_SECONDS": "60" if cached else "0",
    }
    if cached:
        env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "portal.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    suffix = "_cached" if cached else ""
    figures = {}
    try:
        wait_until_up()
        pages = {
            "healthz": "/healthz",
            "home": "/",
            "column_list": "/zwgk/lm/tzgg/",
            "column_list_deep": "/zwgk/lm/tzgg/?page=400",
            "item_detail": f"/zwgk/xxgk/{item_id}/",
            "api_item_list": "/api/v1/items?column=tzgg",
            "api_item_list_deep": f"/api/v1/items?column=tzgg&cursor={deep_cursor}",
            "api_item_detail": f"/api/v1/items/{item_id}",
        }
        if deep_cursor is None:
            del pages["api_item_list_deep"]
        for name, path in pages.items():
            urllib.request.urlopen(BASE + path, timeout=30).read()  # warm up
            figures[f"{name}{suffix}_rps"] = (wrk(path), "req/s")
        if not cached:
            search_times, rare_times = [], []
            for query in SEARCHES + RARE_SEARCHES:
                path = "/search/?q=" + urllib.request.quote(query)
                first = latency_ms(path, repeat=1)  # the first search of the word: counted
                # Rare and old words take seconds at a million rows: fewer repeats of them.
                timings = first + latency_ms(path, repeat=5 if query in RARE_SEARCHES else 40)
                search_times += timings
                if query in RARE_SEARCHES:
                    rare_times += timings
            for name, timings in [("search", search_times), ("search_rare", rare_times)]:
                timings.sort()
                for label, fraction in [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)]:
                    value = round(percentile(timings, fraction), 1)
                    figures[f"{name}_{label}"] = (value, "ms")
            year = datetime.now(UTC).year
            path = f"/api/v1/items?column=tzgg&year={year}&validity=valid"
            latency_ms(path, repeat=3)  # warm up
            filtered = latency_ms(path, repeat=100)
            for label, fraction in [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)]:
                value = round(percentile(filtered, fraction), 1)
                figures[f"api_filtered_list_{label}"] = (value, "ms")
        baseline = figures[f"healthz{suffix}_rps"][0]
        for name in [
            "home",
            "column_list",
            "column_list_deep",
            "item_detail",
            "api_item_list",
            "api_item_list_deep",
            "api_item_detail",
        ]:
            if f"{name}{suffix}_rps" not in figures:
                continue
            ratio = figures[f"{name}{suffix}_rps"][0] / baseline
            figures[f"{name}{suffix}_ratio"] = (round(ratio, 3), "x healthz")
        if cached and MIXED_SECONDS:
            # Typical words only: a rare word's search holds a worker for seconds (search_rare_*).
            searches = ["/search/?q=" + urllib.request.quote(q) for q in SEARCHES]
            mixed = bench_mixed.run(BASE, searches, MIXED_SECONDS, mixed_setup())
            figures.update(mixed)
            readers = mixed["mixed_readers_rps"][0]
            figures["mixed_readers_ratio"] = (round(readers / baseline, 3), "x healthz")
            quiet = figures["column_list_cached_rps"][0]
            figures["mixed_readers_vs_quiet_cached"] = (round(readers / quiet, 3), "x")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    count, item_id, deep_cursor = ensure_database()
    manage("collectstatic", "--noinput", "-v", "0")
    figures = {
        **serve_and_measure(item_id, deep_cursor, cached=False),
        **serve_and_measure(item_id, deep_cursor, cached=True),
    }
    for name, (value, unit) in figures.items():
        print(f"{name} {value} {unit}")
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": count,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "figures": {
            name: {"value": value, "unit": unit} for name, (value, unit) in figures.items()
        },
    }
    (ROOT / "bench" / "latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
