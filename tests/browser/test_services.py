"""办事服务 in the browser: a citizen's path to a guide, the kiosk idle reset, the LED screen."""

import re
from datetime import date

import pytest
from django.utils import timezone

from services.models import ApprovalResult
from tests.services.factories import (
    ApprovalResultFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
    theme,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bureau():
    from portal.models import SiteSettings

    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.phone = "0571-87061234"
    site.office_hours = "工作日 上午 8:30—12:00，下午 14:30—17:30"
    site.save()
    guide = ServiceGuideFactory(
        name="不动产抵押权登记",
        code="330217001003",
        published=True,
        department__name="地籍与不动产登记科",
    )
    ServiceGuideFactory(
        name="采矿权延续登记",
        code="330217004002",
        initial="C",
        theme=theme("kyq"),
        published=True,
    )
    for number, name, row, column, width in [
        (1, "不动产登记受理", 1, 1, 1),
        (2, "不动产登记受理", 1, 2, 1),
        (5, "抵押登记", 1, 3, 1),
        (6, "登记资料查询", 1, 4, 1),
        (7, "规划许可", 2, 1, 2),
        (9, "矿业权", 2, 3, 1),
        (12, "综合咨询 · 投诉受理", 2, 5, 2),
    ]:
        ServiceWindowFactory(
            number=number, name=name, row=row, column=column, width=width, handles=f"{name}相关业务"
        )
    ApprovalResultFactory(guide=guide, tracking_number="BDC20261125-0001", applicant_name="张建国")
    ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC20261125-0002",
        applicant_kind="organisation",
        applicant_name="江川市滨江置业有限公司",
    )
    return guide


def test_citizen_finds_guide_from_homepage_and_prints_it(live_server, page, bureau, screenshot):
    base = live_server.url
    page.goto(base + "/")
    page.get_by_role("link", name="不动产抵押权登记").first.click()
    page.wait_for_url(re.compile(r".*/bsfw/zn/\d+/$"))
    assert page.get_by_role("heading", name="不动产抵押权登记").is_visible()
    for text in ["设定依据", "申请条件", "办理材料", "办理流程", "收费依据", "监督投诉电话"]:
        assert (
            page.get_by_role("heading", name=text).count()
            + page.locator(f"th:has-text('{text}')").count()
        )
    # The flow chart is HTML boxes in order.
    assert page.locator(".flow .flow-step").count() == 5
    screenshot(page, "services-guide")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载全部表格（ZIP）").click()
    assert download.value.suggested_filename.endswith(".zip")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # 办理材料 are cards with named cells: nothing scrolls sideways, the form download is in view.
    wrap = page.locator(".materials-table").locator("xpath=..")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    name_cell = page.locator(".materials-table td").nth(1)
    assert "材料名称" in name_cell.evaluate("td => getComputedStyle(td, '::before').content")
    link = page.locator(".materials-table a[download]").first.bounding_box()
    assert link["x"] + link["width"] <= 375
    screenshot(page, "services-guide-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="打印指南").click()
    assert page.locator(".print-header").inner_text() == "江川市国土资源局"
    # Opened on a phone, the print layout wraps long addresses instead of scrolling sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "services-guide-print")


def test_kiosk_returns_to_start_page_when_idle(live_server, page, bureau, screenshot):
    base = live_server.url + "/bsfw/kiosk/"
    page.set_viewport_size({"width": 1080, "height": 1500})
    page.goto(base)
    assert page.locator("body").get_attribute("data-idle-seconds") == "120"
    screenshot(page, "services-kiosk")
    # Every target is big enough for a finger.
    heights = page.eval_on_selector_all(
        "a, button", "nodes => nodes.map(n => n.getBoundingClientRect().height)"
    )
    assert min(heights) >= 64
    page.get_by_role("link", name="窗口布局").click()
    page.wait_for_url(base + "windows/")
    page.get_by_role("button", name=re.compile("^7号")).click()
    assert page.locator("#window-detail-7").is_visible()
    screenshot(page, "services-kiosk-windows")
    page.get_by_role("link", name="首页").click()
    page.get_by_role("link", name="不动产登记").first.click()
    page.get_by_role("link", name=re.compile("不动产抵押权登记")).click()
    page.wait_for_url(re.compile(r".*/bsfw/kiosk/zn/\d+/$"))
    # Shorten the idle time for the test; the next touch re-arms the timer with it.
    page.evaluate("document.body.dataset.idleSeconds = '1.5'")
    page.mouse.click(400, 600)
    page.wait_for_url(base, timeout=6000)
    # Today's results are masked.
    page.goto(base + "results/")
    assert "张**" in page.content() and "张建国" not in page.content()


def test_led_screen_rotates_refreshes_and_survives_a_failed_fetch(
    live_server, page, bureau, screenshot
):
    page.set_viewport_size({"width": 1920, "height": 1080})
    failures = {"left": 0}

    def handle(route):
        if failures["left"] > 0:
            failures["left"] -= 1
            route.abort()
        else:
            route.continue_()

    page.route("**/bsfw/screen/data.json", handle)
    page.goto(live_server.url + "/bsfw/screen/?rotate=1&refresh=1")
    page.wait_for_selector("[data-list=results] td:has-text('BDC20261125-0001')", state="attached")
    assert page.locator("body").get_attribute("data-current") == "news"
    page.wait_for_selector("body[data-current=guides]", state="attached", timeout=5000)
    page.wait_for_selector("body[data-current=results]", state="attached", timeout=5000)
    assert "张**" in page.inner_text("[data-list=results]")
    screenshot(page, "services-led")

    # The server goes away once: the last data stays and the screen says it will retry.
    failures["left"] = 1
    page.wait_for_selector(".screen-status.is-error", timeout=5000)
    assert "BDC20261125-0001" in page.inner_text("[data-list=results]")
    # A result entered meanwhile appears after the retry, without a reload.
    ApprovalResult.objects.create(
        tracking_number="BDC20261125-0003",
        guide=bureau,
        applicant_name="李秀英",
        accepted_on=timezone.localdate(),
    )
    page.wait_for_selector(
        "[data-list=results] td:has-text('BDC20261125-0003')", state="attached", timeout=8000
    )
    assert (
        "李**" in page.inner_text("[data-list=results]")
        or page.locator("[data-list=results]").text_content().count("李**") == 1
    )
    assert page.locator(".screen-status.is-error").count() == 0
    # Refreshes replace rows rather than adding to them.
    rows = page.locator("[data-list=results] tr").count()
    page.wait_for_timeout(2500)
    assert page.locator("[data-list=results] tr").count() == rows == 3
    assert date.today()
