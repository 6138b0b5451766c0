"""Column freshness: the red/amber/green rule on fixed dates, roll-up, the board and warnings."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from disclosure.models import Category
from oversight import services
from oversight.models import FreshnessWarning
from portal import roles
from portal.models import StaffNotice
from tests.conftest import make_staff
from tests.oversight.factories import publish_item

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


def row_for(rows, slug, name=None):
    return next(r for r in rows if r.category.slug == slug and (name is None or r.name == name))


def test_empty_column_is_red():
    rows = services.column_freshness(today=TODAY)
    row = row_for(rows, "tzgg")
    assert row.last_published_on is None
    assert row.status == services.RED
    assert row.status_label == "空白栏目"


@pytest.mark.parametrize(
    ("days_ago", "status", "days_left"),
    [(0, "green", 180), (176, "green", 4), (177, "amber", 3), (180, "amber", 0), (181, "red", -1)],
)
def test_status_by_days_since_last_publication(days_ago, status, days_left):
    publish_item(at=at(TODAY - timedelta(days=days_ago)), category="tzgg")  # rule: 180 days
    row = row_for(services.column_freshness(today=TODAY), "tzgg")
    assert row.days_since == days_ago
    assert row.days_left == days_left
    assert row.status == status


def test_sub_columns_roll_up_to_their_parent():
    publish_item(at=at(date(2026, 6, 1)), category="gz")  # 规章, under 政策文件
    publish_item(at=at(date(2026, 3, 1)), category="zcwj")
    row = row_for(services.column_freshness(today=TODAY), "zcwj")
    assert row.last_published_on == date(2026, 6, 1)
    assert row.status == services.GREEN


def test_rule_is_editable_per_column():
    publish_item(at=at(date(2026, 6, 1)), category="tzgg")
    Category.objects.filter(slug="tzgg").update(update_days=20)
    row = row_for(services.column_freshness(today=TODAY), "tzgg")
    assert (row.rule_days, row.days_left, row.status) == (20, -9, services.RED)


def test_homepage_counts_as_zwdt_with_two_weeks():
    publish_item(at=at(TODAY - timedelta(days=15)), category="zwdt")
    rows = services.column_freshness(today=TODAY)
    homepage = row_for(rows, "zwdt", "网站首页（要闻）")
    assert (homepage.rule_days, homepage.status) == (14, services.RED)


def test_freshness_is_one_aggregate_query(django_assert_num_queries):
    for slug in ["tzgg", "zwdt", "gz", "zcjd"]:
        publish_item(at=at(date(2026, 6, 1)), category=slug)
    with django_assert_num_queries(2):  # last publication per column; columns with departments
        rows = services.column_freshness(today=TODAY)
        [row.department for row in rows]


def test_unassessed_column_with_items_is_unrated():
    publish_item(at=at(date(2020, 1, 1)), category="jgzn")  # 机构职能 has no period
    row = row_for(services.column_freshness(today=TODAY), "jgzn")
    assert row.status == services.UNRATED


# Warnings -----------------------------------------------------------------------------------
@pytest.fixture
def owner(department):
    Category.objects.filter(slug="tzgg").update(department=department)
    head = make_staff(roles.DEPARTMENT_HEAD, department, username="h1", email="head@example.cn")
    officer = make_staff(roles.OFFICER, department, username="o1", email="officer@example.cn")
    make_staff(roles.OFFICER, department, username="o2", email="")  # no address: skipped
    make_staff(roles.REVIEWER, department, username="r1", email="reviewer@example.cn")
    return head, officer


def test_warning_sent_once_to_head_and_officers(owner, django_capture_on_commit_callbacks):
    publish_item(at=at(TODAY - timedelta(days=178)), category="tzgg")  # 2 days left
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_stale_columns(today=TODAY) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["head@example.cn", "officer@example.cn"]
    assert all("通知公告" in m.subject and "即将超期" in m.subject for m in mail.outbox)
    assert "2026年7月2日" in mail.outbox[0].body
    warning = FreshnessWarning.objects.get()
    # The officer without an address gets the admin notice; their mail is not deliverable.
    assert (warning.due_on, warning.kind, warning.recipient_count) == (date(2026, 7, 2), "soon", 3)
    undelivered = StaffNotice.objects.get(recipient__username="o2")
    assert undelivered.mail_status == StaffNotice.MailStatus.UNDELIVERABLE
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_stale_columns(today=TODAY + timedelta(days=1)) == 0
    assert len(mail.outbox) == 2


def test_no_warning_for_green_columns(owner):
    publish_item(at=at(TODAY - timedelta(days=170)), category="tzgg")
    assert services.warn_stale_columns(today=TODAY) == 0
    assert not FreshnessWarning.objects.exists()


def test_stale_column_warned_once_then_weekly(owner, disclosure_office):
    """Gone stale: the department and the 政务公开办 are told that day, then once a week while
    it stays stale, not on every daily run."""
    publish_item(at=at(TODAY - timedelta(days=181)), category="tzgg")  # stale since yesterday
    notices = StaffNotice.objects.filter(verb="stale")
    assert services.warn_stale_columns(today=TODAY, now=at(TODAY)) == 1
    assert sorted(notices.values_list("recipient__username", flat=True)) == [
        "h1",
        "o1",
        "o2",
        "office",
    ]
    assert "已超期" in notices.first().body
    for days in range(1, 7):  # the daily runs of the week: nothing new
        day = TODAY + timedelta(days=days)
        assert services.warn_stale_columns(today=day, now=at(day)) == 0
    assert notices.count() == 4
    week = TODAY + timedelta(days=7)
    assert services.warn_stale_columns(today=week, now=at(week)) == 1
    assert notices.count() == 8
    warning = FreshnessWarning.objects.get(kind="stale")
    assert (warning.warned_count, warning.sent_at) == (2, at(week))
    # Updated: no more warnings.
    publish_item(at=at(week), category="tzgg")
    later = week + timedelta(days=7)
    assert services.warn_stale_columns(today=later, now=at(later)) == 0


def test_new_publication_starts_a_new_warning_period(owner, django_capture_on_commit_callbacks):
    publish_item(at=at(TODAY - timedelta(days=178)), category="tzgg")
    services.warn_stale_columns(today=TODAY)
    publish_item(at=at(TODAY), category="tzgg")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.warn_stale_columns(today=TODAY + timedelta(days=178)) == 1
    assert FreshnessWarning.objects.count() == 2


def test_command_and_task(owner, django_capture_on_commit_callbacks):
    publish_item(at=timezone.now() - timedelta(days=179), category="tzgg")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("warn_stale_columns")
    assert FreshnessWarning.objects.count() == 1
    from oversight.tasks import warn_stale_columns

    assert warn_stale_columns.enqueue().return_value == 0  # already warned: idempotent


# Board --------------------------------------------------------------------------------------
def test_board_shows_red_empty_column_with_owner(client, leadership, department):
    Category.objects.filter(slug="tzgg").update(department=department)
    client.force_login(leadership)
    response = client.get(reverse("admin:oversight_columnfreshness_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index('<th scope="row">通知公告</th>') :].split("</tr>")[0]
    assert "政策法规科" in row
    assert "status-red" in row and "空白栏目" in row


def test_board_queries_do_not_grow(client, leadership, django_assert_max_num_queries):
    for slug in ["tzgg", "zwdt", "gz", "zcjd", "xzxk"]:
        publish_item(at=timezone.now(), category=slug)
    client.force_login(leadership)
    # + the roles and the navigation's 我的待办 / 通知 counts (one query, portal.worklist).
    with django_assert_max_num_queries(10):
        assert client.get(reverse("admin:oversight_columnfreshness_changelist")).status_code == 200


def test_board_refused_without_permission(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("admin:oversight_columnfreshness_changelist"))
    assert response.status_code == 403


def test_board_as_of_a_past_day_ignores_later_publications():
    publish_item(at=at(date(2026, 1, 5)), category="tzgg")
    publish_item(at=at(date(2026, 7, 1)), category="tzgg")
    row = row_for(services.column_freshness(today=TODAY), "tzgg")
    assert row.last_published_on == date(2026, 1, 5)
