"""Every citizen form filled with the keyboard only (Tab, typing, arrow keys, Space and Enter; no
mouse), the 人机验证 included, up to its confirmation: what a screen-reader user does."""

import re

import pytest

from complaints.models import ConsultationComment, EvaluationResponse, Message
from complaints.models.evaluation import ASPECT_NAMES
from disclosure.models import InformationRequest
from portal import workdays
from portal.models import WorkCalendarDay
from tests.complaints.factories import (
    EvaluationRoundFactory,
    EvaluationSubjectFactory,
    MessageCategoryFactory,
    published_consultation,
)
from tests.disclosure.request_factories import VALID_ID_NUMBER

DONE = "人机验证已完成，可以提交。"


def tab_to(page, name, *, value=None, limit=250):
    """Press Tab until the element named `name` (and of `value`, for a radio) has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.name || '', document.activeElement.value || '']"
        )
        if focused[0] == name and (value is None or focused[1] == value):
            return
    pytest.fail(f"Tab never reached {name}")


def tab_to_button(page, text, limit=250):
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.tagName, document.activeElement.textContent.trim()]"
        )
        if focused == ["BUTTON", text]:
            return
    pytest.fail(f"Tab never reached the button {text}")


def type_into(page, name, text):
    tab_to(page, name)
    page.keyboard.type(text)


def choose(page, name, label):
    """Pick an option of a closed select with the arrow keys."""
    tab_to(page, name)
    for _ in range(40):
        chosen = page.evaluate("() => document.activeElement.selectedOptions[0].textContent")
        if chosen.strip() == label:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{label} not found in {name}")


def send(page, button):
    """Wait for the check to say it is done (announced: role=status), then Enter on the button."""
    status = page.get_by_role("status").filter(has_text="人机验证")
    status.filter(has_text=DONE).wait_for()
    tab_to_button(page, button)
    page.keyboard.press("Enter")


def test_every_citizen_form_with_the_keyboard_only(live_server, page, screenshot):
    workdays.seed_calendar(WorkCalendarDay)
    workdays.clear_cache(range(2004, 2031))
    MessageCategoryFactory(name="违法用地")
    consultation = published_consultation()
    evaluation = EvaluationRoundFactory()
    window = EvaluationSubjectFactory(round=evaluation, name="不动产登记窗口")

    # 留言 (on a phone: the screenshot is looked at).
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/zmhd/xiexin/")
    choose(page, "kind", "投诉")
    choose(page, "category", "违法用地")
    type_into(page, "subject", "村口耕地被违法占用建房")
    type_into(page, "body", "滨江区东升村村口耕地上近期有人违法建房，已打地基，请尽快核查制止。")
    type_into(page, "sender_name", "张建华")
    type_into(page, "sender_phone", "13812345678")
    tab_to(page, "has_publication_consent")
    page.keyboard.press("ArrowDown")  # from 同意公开 to 不同意公开
    assert page.locator("#id_has_publication_consent_1").is_checked()
    page.get_by_role("status").filter(has_text=DONE).wait_for()
    assert not page.get_by_role("button", name="重新进行人机验证").is_visible()
    assert page.get_by_text("已输入 33 / 2000 字").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "keyboard-message-form-375")
    send(page, "提交留言")
    page.wait_for_url(re.compile(r".*/zmhd/xiexin/ZMHD\d{8}-\d{4}/$"))
    assert page.locator("#query-code").inner_text().strip()
    message = Message.objects.get()
    assert message.kind == Message.Kind.COMPLAINT
    assert message.has_publication_consent is False

    # 依申请公开.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/zwgk/ysqgk/")
    type_into(page, "applicant_name", "张建华")
    choose(page, "id_type", "居民身份证")
    type_into(page, "id_number", VALID_ID_NUMBER)
    type_into(page, "phone", "13812345678")
    type_into(page, "address", "江川市滨江区江南大道100号")
    type_into(page, "description", "滨江区东升村2026年第3批次征收土地的补偿安置方案及批复文件")
    tab_to(page, "delivery_form", value="paper")
    page.keyboard.press("Space")
    assert page.locator('input[name="delivery_form"][value="paper"]').is_checked()
    send(page, "提交申请")
    page.wait_for_url(re.compile(r".*/ysqgk/huizhi/YSQ\d{4}-\d{4}/$"))
    assert InformationRequest.objects.get().delivery_form == "paper"

    # 征求意见.
    page.goto(live_server.url + consultation.get_absolute_url())
    type_into(page, "body", "建议明确储备土地入库前的确权时限，避免久储不用。")
    type_into(page, "sender_name", "王秀英")
    type_into(page, "sender_phone", "13912345678")
    send(page, "提交意见")
    page.wait_for_url("**/yijian/yitijiao/")
    assert ConsultationComment.objects.get().sender_name == "王秀英"

    # 网上评议.
    page.goto(live_server.url + evaluation.get_absolute_url())
    for aspect in ASPECT_NAMES:
        choose(page, f"s{window.pk}_{aspect}", "5分 非常满意")
    type_into(page, "phone", "13700001111")
    send(page, "提交评议")
    page.wait_for_url("**/yitijiao/")
    assert "感谢您参加" in page.locator("main").inner_text()
    assert EvaluationResponse.objects.count() == 1
