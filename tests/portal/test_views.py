import re

import pytest
from django.urls import reverse

from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.site_code = "3302000012"
    site.icp_number = "浙ICP备05012345号-1"
    site.police_number = "浙公网安备 33020002000123号"
    site.phone = "0571-87061234"
    site.save()
    return site


def test_home_shows_bureau_identity_and_navigation(client, site):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "江川市国土资源局" in html
    for label in ["首页", "政务公开", "办事服务", "政民互动", "机构概况"]:
        assert f">{label}</a>" in html
    assert "网站标识码：3302000012" in html
    assert "浙ICP备05012345号-1" in html
    assert "浙公网安备 33020002000123号" in html


def breadcrumbs(html):
    """Return the inside of the page's 当前位置 trail."""
    return re.search(r'<nav class="breadcrumbs" aria-label="当前位置">(.*?)</nav>', html, re.S)[1]


@pytest.mark.parametrize(
    ("name", "current"),
    [
        ("disclosure:index", "政务公开"),
        ("services:index", "办事服务"),
        ("complaints:index", "政民互动"),
        ("oversight:index", "政务公开工作"),
        ("organisation", "机构概况"),
    ],
)
def test_section_pages_answer_in_chinese(client, site, name, current):
    response = client.get(reverse(name))
    assert response.status_code == 200
    trail = breadcrumbs(response.content.decode())
    assert f'<a href="{reverse("home")}">首页</a>' in trail
    assert trail.rstrip().endswith(f'<span aria-current="page">{current}</span>')


def test_organisation_lists_active_departments_only(client, site, department, other_department):
    other_department.is_active = False
    other_department.save()
    html = client.get(reverse("organisation")).content.decode()
    assert department.name in html
    assert other_department.name not in html


def test_unknown_page_is_a_chinese_404(client, site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "您访问的页面不存在" in html
    assert "Not Found" not in html


def test_server_error_page_is_chinese(client, rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务暂时不可用" in response.content.decode()


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_checks_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_readyz_answers_503_when_database_fails(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503


def test_security_headers_on_public_pages(client, site):
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
