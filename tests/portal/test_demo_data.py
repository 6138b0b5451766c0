"""The demo bureau, loaded once for this module: loading it was the slowest part of the unit run.

It creates the bureau and an account per role, reads like a real bureau (no title or subject
twice in a list, every demo department head answers their own department's messages), every
internal link of it works, and loading it again changes nothing.
"""

import re
import shutil
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from complaints.models import Message
from disclosure.models import Item
from portal.models import Department, SiteSettings, User

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Load the demo once for the tests of this module, and roll it back after the last one.

    Each test still runs in its own transaction (a savepoint inside this one), so a test that
    changes the demo or loads it again hands the next test the demo as it was loaded here. Not
    session-wide: every other test module expects an empty database.
    """
    folder = tmp_path_factory.mktemp("demo")
    loaded = SimpleNamespace(
        media_root=folder / "media", accounts_file=folder / "demo-accounts.txt", output=StringIO()
    )
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=loaded.media_root, DEMO_ACCOUNTS_FILE=loaded.accounts_file),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=loaded.output)
        yield loaded
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_root(settings, demo, tmp_path):
    """The demo's files, and a copy of its accounts file that this test may change."""
    settings.MEDIA_ROOT = demo.media_root
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.txt"
    shutil.copy(demo.accounts_file, settings.DEMO_ACCOUNTS_FILE)
    return settings.MEDIA_ROOT


def test_load_demo_creates_bureau_and_an_account_per_role(demo, settings):
    accounts_file = settings.DEMO_ACCOUNTS_FILE
    assert SiteSettings.load().bureau_name == "江川市国土资源局"
    assert Department.objects.filter(name="地籍与不动产登记科").exists()
    lines = accounts_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9  # one per role, and two department heads
    for line in lines:
        username, password, _ = line.split("\t")
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.is_staff
        assert user.groups.count() == 1
        assert password in demo.output.getvalue()  # printed once
    users = [User.objects.get(username=line.split("\t")[0]) for line in lines]
    assert {user.groups.get().name for user in users} == {
        "信息员",
        "审核员",
        "科室负责人",
        "政务公开办",
        "局领导",
        "系统管理员",
        "安全管理员",
        "审计管理员",
    }
    heads = [user for user in users if user.groups.get().name == "科室负责人"]
    assert len({head.department_id for head in heads}) == 2


def test_load_demo_is_idempotent(settings):
    accounts_file = settings.DEMO_ACCOUNTS_FILE
    first = accounts_file.read_text(encoding="utf-8")
    counts = (Department.objects.count(), User.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert accounts_file.read_text(encoding="utf-8") == first
    assert (Department.objects.count(), User.objects.count()) == counts
    assert "演示账号未变" in out.getvalue()


def test_load_demo_resets_a_password_that_no_longer_matches(settings):
    accounts_file = settings.DEMO_ACCOUNTS_FILE
    user = User.objects.get(username="xinxiyuan")
    user.set_password("changed-by-someone-1")
    user.save()
    call_command("load_demo", stdout=StringIO())
    password = dict(
        line.split("\t")[:2] for line in accounts_file.read_text(encoding="utf-8").splitlines()
    )["xinxiyuan"]
    user.refresh_from_db()
    assert user.check_password(password)


def test_demo_data_reads_like_a_real_bureau():
    # A bureau does not issue the same title twice.
    repeated = Item.objects.values("title").annotate(n=Count("pk")).filter(n__gt=1)
    assert list(repeated) == []

    # Lists of messages do not show the same subject in a row.
    newest = list(Message.objects.order_by("-received_at").values_list("subject", flat=True)[:10])
    assert len(set(newest)) == len(newest) == 10
    public = list(Message.objects.public().latest_replies().values_list("subject", flat=True)[:6])
    assert len(set(public)) == len(public) == 6

    # Each demo 科室负责人 answers the messages of their own department only.
    for username in ("kezhang", "tdkezhang"):
        head = User.objects.get(username=username)
        replied = Message.objects.filter(replied_by=head)
        assert replied.exists()
        assert set(replied.values_list("department", flat=True)) == {head.department_id}


def test_demo_replies_are_worded_per_type_and_leave_no_blank():
    """Each message type starts from its own template; no demo reply keeps a template blank and
    no published one names its sender."""
    from complaints.models import ReplyTemplate, find_placeholders

    for kind in Message.Kind.values:
        message = Message.objects.filter(kind=kind).select_related("category").first()
        template = ReplyTemplate.objects.for_message(category=message.category, kind=kind)
        assert template is not None and template.kind == kind
    greetings = {t.text.split("：")[0] for t in ReplyTemplate.objects.filter(category=None)}
    assert len(greetings) == len(Message.Kind.values)  # 咨询 and 建议 are not greeted alike
    replied = Message.objects.exclude(reply="")
    assert replied.exists()
    assert [m.tracking_number for m in replied if find_placeholders(m.reply)] == []
    for message in Message.objects.public():
        public = message.public_subject + message.public_body + message.public_reply
        assert message.sender_name not in public


def test_crawl_from_home_two_levels_finds_no_broken_link(client):
    """Follow every internal link of the demo site from the homepage, two levels deep."""
    seen, frontier, failures = set(), ["/"], []
    for _ in range(3):  # the homepage, its links, and their links
        next_frontier = []
        for url in frontier:
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            if response.status_code >= 400:
                failures.append((url, response.status_code))
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#]*)', response.content.decode()):
                href = href.replace("&amp;", "&")
                if not href.startswith(("/admin/", "/static/", "/media/")) and href not in seen:
                    next_frontier.append(href)
        frontier = next_frontier
    assert len(seen) > 40
    assert failures == []


def test_demo_fills_every_column_and_its_work_page_counts_nothing_stale():
    """The 政务公开工作 board of the demo: no column stale or empty (the veto counts five)."""
    from disclosure.models import Category
    from oversight import services

    rows = services.column_freshness()
    assert services.freshness_summary(rows)[services.RED] == 0
    assert [row.name for row in rows if row.status_label == "空白栏目"] == []
    from disclosure.demo import COLUMNS

    # Every catalog column the seed migrations create, and every top-level column.
    seeded = Category.objects.filter(Q(slug__in=COLUMNS) | Q(parent__isnull=True))
    for column in seeded.visible().prefetch_related("children"):
        assert Item.objects.public().in_category(column).exists(), column.slug
    for slug in ["jgzn", "gz", "gyjh", "hbxy", "xztd", "djbd", "zdygg", "ysfa", "kqcr", "dzzh"]:
        assert Item.objects.public().filter(category__slug=slug).count() >= 1, slug


def test_demo_fills_the_site_identity():
    site = SiteSettings.load()
    assert site.sponsor and site.operator and site.domain
    assert site.police_record_url().endswith("recordcode=33020002000123")
    assert site.error_report_url().endswith("siteCode=3302000012")
    # The badge is the office's to upload: the demo invents none.
    assert site.missing_identity_elements() == ["党政机关网站标识"]
