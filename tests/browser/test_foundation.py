import pytest
from django.contrib.auth.models import Group

from portal.models import SiteSettings
from tests.portal.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bureau():
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.site_code = "3302000012"
    site.save()
    return site


def test_homepage_renders_in_chinese(live_server, page, bureau, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "江川市国土资源局" in page.title()
    assert (
        page.get_by_role("navigation", name="主导航")
        .get_by_role("link", name="政务公开")
        .is_visible()
    )
    assert "网站标识码：3302000012" in page.locator("footer").inner_text()
    screenshot(page, "home-desktop")
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"horizontal scroll on a phone: {width}px"
    screenshot(page, "home-phone")


def test_elder_mode_switch_is_remembered(live_server, page, bureau):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="适老化模式").first.click()
    assert "elder" in page.locator("html").get_attribute("class")
    page.goto(live_server.url + "/jggk/")
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    assert page.get_by_role("button", name="退出适老化模式").first.is_visible()


def test_demo_staff_account_logs_into_admin(live_server, page, bureau):
    user = UserFactory(username="xinxiyuan", full_name="刘晓梅", department=DepartmentFactory())
    user.set_password("Demo-pass-2026")
    user.save()
    user.groups.add(Group.objects.get(name="信息员"))
    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill("xinxiyuan")
    page.get_by_label("密码").fill("Demo-pass-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/admin/")
    body = page.locator("body").inner_text()
    assert "江川市国土资源局" in body
    assert "工作台" in body
    assert "工作人员" not in body  # an officer does not manage staff
