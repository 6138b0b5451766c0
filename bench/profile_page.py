"""Where a page's time goes: `python bench/profile_page.py PATH [--repeat N] [--profile]`.

PATH may hold {item}: the newest public item's id (e.g. /zwgk/xxgk/{item}/).

Runs the page in-process through Django's full handler (middleware, view, templates) with the
production settings and the page cache off, against DATABASE_URL (the benchmark database by
default), and prints the mean time per request, the query count and the share spent in the
database. With --profile it prints a pyinstrument call tree of the repeated requests.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE", "0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# The benchmark-only keys of bench/run.py (the personal data at rest of portal_bench).
os.environ.setdefault("PII_KEYS", "bench:YmVuY2htYXJrLW9ubHktcGVyc29uYWwtZGF0YS1rZXk=")
os.environ.setdefault("PII_KEY_ID", "bench")
os.environ.setdefault("PII_HASH_KEY", "YmVuY2htYXJrLW9ubHktbG9va3VwLWhhc2gta2V5ISE=")
CACHED = "--cached" in sys.argv
if CACHED:
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "60"
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
else:
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "0")


def database_timings(client, path):
    """Return the time of each query of one request of path."""
    from django.db import connection

    timings = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - started)

    with connection.execute_wrapper(timed):
        client.get(path)
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cached", action="store_true", help="measure the page cache's hits")
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    client = Client()
    baseline = None
    paths = ["/healthz", *args.paths] if args.cached else args.paths
    for path in paths:
        if "{item}" in path:  # a public item: the newest one
            from disclosure.models import Item

            path = path.format(item=Item.objects.public().latest().values_list("pk", flat=True)[0])
        response = client.get(path)  # warm up caches, template loader and the connection
        assert response.status_code == 200, (path, response.status_code)
        timings = database_timings(client, path)
        db_ms = sum(timings) * 1000
        profiler = None
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            client.get(path)
        elapsed = (time.perf_counter() - started) / args.repeat * 1000
        cpu = (time.process_time() - cpu_started) / args.repeat * 1000
        if path == "/healthz":
            baseline = elapsed
        ratio = f", {baseline / elapsed:.2f} of /healthz" if baseline else ""
        print(
            f"{path}: {elapsed:.3f} ms/request ({cpu:.3f} ms of it this process's CPU), "
            f"{len(timings)} queries, "
            f"{db_ms:.2f} ms of them in the database{ratio}"
        )
        if profiler:
            profiler.stop()
            print(render_profile(profiler.last_session))


def render_profile(session):
    """The call tree of the view, without Django's handler and middleware wrappers."""
    from pyinstrument.renderers import ConsoleRenderer

    renderer = ConsoleRenderer(
        unicode=True,
        color=False,
        processor_options={
            "filter_threshold": 0.02,
            "hide_regex": r".*(deprecation|handlers/exception|django/test|asgiref).*",
        },
    )
    return renderer.render(session)


if __name__ == "__main__":
    main()
