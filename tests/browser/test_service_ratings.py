"""好差评 in the browser: a citizen rates a 办件 on a phone and later reads the 整改 reply; a
visitor rates on the kiosk; the LED screen shows every guide name whole at 1920×1080."""

import pytest
from django.utils import timezone

from portal.ratings import Rating
from services.models import ApprovalResult, RectificationCase, ServiceRating
from tests.conftest import make_staff
from tests.services.factories import (
    ApprovalResultFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def finished():
    guide = ServiceGuideFactory(name="不动产抵押权登记", published=True)
    return ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC20261125-0009",
        status=ApprovalResult.Status.COMPLETED,
        completed_on=timezone.localdate(),
        phone_last4="5678",
    )


def test_citizen_rates_on_a_phone_and_reads_the_rectification(
    live_server, browser, finished, screenshot
):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/bsfw/bjgs/cx/?number=BDC20261125-0009")
    page.get_by_role("link", name="评价本次办理（好差评）").click()
    assert page.get_by_label("受理编号").input_value() == "BDC20261125-0009"
    page.get_by_label("联系电话后四位").fill("5678")
    page.get_by_role("group", name="总体评价").get_by_label("不满意", exact=True).check()
    page.get_by_label("评价内容").fill("材料要求前后说法不一，跑了两次")
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    page.get_by_role("button", name="提交评价").click()
    page.get_by_text("评价已提交，感谢您的反馈").wait_for()
    assert "15个工作日内" in page.inner_text("main")
    screenshot(page, "services-rating-phone")
    # No sideways scrolling on the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    rating = ServiceRating.objects.get()
    assert rating.level == Rating.UNSATISFIED and rating.comment.startswith("材料要求")
    case = rating.case
    head = make_staff("科室负责人", department=finished.guide.department)
    case.record_visit(by=head, contact_method="phone", visit_outcome="已电话回访，致歉并说明")
    case.rectify(by=head, rectification="已统一窗口告知口径，材料清单以办事指南为准。")

    page.goto(live_server.url + "/bsfw/pj/cx/")
    page.get_by_label("受理编号").fill("BDC20261125-0009")
    page.get_by_label("联系电话后四位").fill("5678")
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    page.get_by_role("button", name="查询").click()
    page.get_by_text("已统一窗口告知口径").wait_for()
    assert "已整改" in page.inner_text("main")
    screenshot(page, "services-rating-rectified-phone")
    context.close()


def test_visitor_rates_on_the_kiosk(live_server, browser, screenshot):
    ServiceWindowFactory(number=5, name="抵押登记", row=1, column=1, width=1)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + "/bsfw/kiosk/")
    page.get_by_role("link", name="服务评价").click()
    page.get_by_label("5号窗口 抵押登记").check()
    page.get_by_role("status").filter(has_text="人机验证已完成").wait_for()
    screenshot(page, "services-kiosk-rating")
    page.get_by_role("button", name="非常满意").click()
    page.get_by_text("感谢您的评价").wait_for()
    rating = ServiceRating.objects.get()
    assert rating.channel == ServiceRating.Channel.KIOSK and rating.level == "very_satisfied"
    assert rating.window.number == 5
    assert not RectificationCase.objects.exists()
    context.close()


LONG_NAMES = [
    "国有建设用地使用权首次登记",
    "国有建设用地使用权及房屋所有权转移登记",
    "国有建设用地使用权及房屋所有权变更登记",
    "国有建设用地使用权及房屋所有权注销登记",
    "宅基地使用权及房屋所有权首次登记",
    "建设项目用地预审与选址意见书核发",
    "建设用地规划许可证核发",
    "建设工程规划许可证核发",
    "乡村建设规划许可证核发",
    "不动产抵押权登记（含最高额抵押权）",
    "采矿权新立、延续、变更和注销登记",
    "土地复垦方案审查",
]


def test_led_screen_shows_every_guide_name_whole(live_server, page, screenshot):
    for index, name in enumerate(LONG_NAMES):
        ServiceGuideFactory(name=name, code=f"33021700{index:04d}", published=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server.url + "/bsfw/screen/?rotate=2&refresh=30")
    page.wait_for_selector("body[data-current=guides]", state="attached", timeout=10000)
    names = page.locator("[data-list=guides] .screen-text")
    assert names.count() == len(LONG_NAMES)
    shown = names.all_inner_texts()
    assert sorted(shown) == sorted(LONG_NAMES)  # whole names, nothing elided
    for box in names.element_handles():
        # Not cut: no overflow inside the box, and the box lies inside the screen.
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        rect = box.bounding_box()
        assert rect["x"] >= 0 and rect["x"] + rect["width"] <= 1920
        assert rect["y"] + rect["height"] <= 1080
    screenshot(page, "services-led-guides-1920x1080")
    # Inactive tabs: white text on the red bar (WCAG AA ≥ 4.5:1).
    ratio = page.evaluate(
        """() => {
          const lum = (rgb) => {
            const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(Number).map((c) => {
              c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const tab = document.querySelector('.screen-tabs li:not(.is-current)');
          const fg = lum(getComputedStyle(tab).color);
          const bar = document.querySelector('.screen-header');
          const bg = lum(getComputedStyle(bar).backgroundColor);
          const opacity = Number(getComputedStyle(tab).opacity);
          return opacity === 1 ? (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05) : 0;
        }"""
    )
    assert ratio >= 4.5
