"""The public 政务公开工作 page: this year's figures per column, freshness and tasks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from oversight.models import Task
from tests.oversight.factories import TaskFactory, publish_item

pytestmark = pytest.mark.django_db


def row(html, label):
    start = html.index(label)
    return html[start : html.index("</tr>", start)]


def test_yearly_figures_per_column(client):
    now = timezone.now()
    publish_item(at=now, category="tzgg")
    publish_item(at=now, category="tzgg")
    publish_item(at=now, category="gz")  # 规章 counts for 政策文件
    last_year = now.replace(year=now.year - 1)
    publish_item(at=last_year, category="tzgg")
    html = client.get(reverse("oversight:index")).content.decode()
    assert "<td>2</td>" in row(html, ">通知公告</a>")
    assert "<td>1</td>" in row(html, ">政策文件</a>")
    assert "<td>3</td>" in row(html, "合计")


def test_task_completion_and_freshness_summary(client):
    today = timezone.localdate()
    TaskFactory(status=Task.Status.DONE, completed_on=today)
    TaskFactory(status=Task.Status.IN_PROGRESS, due_on=today - timedelta(days=1))
    TaskFactory()
    html = client.get(reverse("oversight:index")).content.decode()
    tasks = html[html.index('id="task-summary"') :]
    assert "<td>3</td><td>1</td><td>1</td><td>1</td><td>1</td>" in tasks
    assert "超期未更新或空白" in html


@pytest.mark.parametrize("rows", [1, 20])
def test_query_budget(client, rows, django_assert_max_num_queries):
    """Public page: publication per column, columns; last publication per column, columns;
    task figures (+ site settings once, 3)."""
    for n in range(rows):
        publish_item(at=timezone.now(), category=["tzgg", "zwdt", "gz"][n % 3])
        TaskFactory()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("oversight:index")).status_code == 200
