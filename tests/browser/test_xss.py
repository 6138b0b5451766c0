"""The XSS corpus (tests/data/xss_payloads.txt) through every citizen-facing field, in chromium.

Citizens type the payloads into the forms themselves (留言, 依申请公开, 评价, 征求意见, 网上评议,
the lookups, the search box and the other public GET forms); then every page where that input
appears is opened: the form re-shown with errors, the receipt, the tracking page reached with the
查询码, the public pages after publication, search results, and the admin pages a clerk opens. On
every page no dialog may open, no payload flag may be set, and no Content-Security-Policy
violation may be reported (an escaped payload never even tries to run).

Payloads travel in batches, one per line. The long text fields (留言内容, 评价意见, 内容描述, 用途,
意见内容, 评议意见) carry every payload whole over the rounds; the short ones (标题, 姓名, 地址,
电话, 证件号码) carry what fits of their round's batch, cut at their length as a browser would;
the site search takes each payload whole on its own, the other GET boxes ten at a time.
"""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group

from complaints.models import Message, MessageCategory
from disclosure.models import InformationRequest
from portal import roles
from portal.models import SiteSettings
from tests.browser.conftest import admin_login
from tests.disclosure.request_factories import VALID_ID_NUMBER
from tests.portal.factories import DepartmentFactory, UserFactory
from tests.xss import PAYLOADS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Demo-pass-2026"
WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


class Watch:
    """Everything a page did that only a running payload would do."""

    def __init__(self, page):
        self.page = page
        self.dialogs = []
        page.add_init_script(WATCH)
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self, where):
        state = self.page.evaluate(
            "() => ({flag: window.__xss || null, csp: window.__cspViolations || []})"
        )
        assert not self.dialogs, f"{where}: a payload opened a dialog: {self.dialogs}"
        assert state["flag"] is None, f"{where}: a payload set window.__xss"
        assert not state["csp"], f"{where}: blocked attempts to run: {state['csp']}"


def batches(limit, rounds):
    """Split the corpus into `rounds` groups, each joined to at most `limit` characters, so
    that across the rounds each payload lands in the field (one per line, cut at the limit)."""
    groups = [PAYLOADS[n::rounds] for n in range(rounds)]
    out = []
    for group in groups:
        text = "\n".join(group)[:limit]
        while len(text) + text.count("\n") > limit:  # the browser sends line breaks as CRLF
            text = text[:-1]
        out.append(text)
    return out


def chunks_for(limit):
    """As many rounds as a field of this length needs to carry every payload whole."""
    rounds = -(-sum(len(p) + 2 for p in PAYLOADS) // limit)
    while not all(any(p in text for text in batches(limit, rounds)) for p in PAYLOADS):
        rounds += 1
    return rounds


def fill(page, values):
    """Set form fields by name to the given text (as typing would, without the key events)."""
    page.evaluate(
        """values => {
          for (const [name, value] of Object.entries(values)) {
            const el = document.querySelector(`[name="${name}"]`);
            if (el) { el.removeAttribute('maxlength'); el.value = value; }
          }
        }""",
        values,
    )


@pytest.fixture
def desk(settings):
    settings.PUBLIC_FORM_RATES = {"ip": "1000/h", "phone": "1000/h"}
    site = SiteSettings.load()
    site.bureau_name = site.site_name = "江川市国土资源局"
    site.save()
    registry = DepartmentFactory(name="地籍与不动产登记科", code="bdcdj")
    MessageCategory.objects.create(name="不动产登记", department=registry)
    head = UserFactory(username="kezhang", full_name="周丽华", department=registry)
    reviewer = UserFactory(username="shenheyuan", full_name="黄志强", department=registry)
    office = UserFactory(username="gongkaiban", full_name="何静", department=registry)
    for user, role in [
        (head, roles.DEPARTMENT_HEAD),
        (reviewer, roles.REVIEWER),
        (office, roles.DISCLOSURE_OFFICE),
    ]:
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return {"head": head, "reviewer": reviewer, "office": office}


def staff_page(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    watch = Watch(page)
    admin_login(page, live_server.url, username, PASSWORD)
    page.wait_for_url("**/admin/")
    return page, watch


def open_in_admin(browser, live_server, username, changelist, rows, label):
    """A clerk opens the queue and each row's change page."""
    page, watch = staff_page(browser, live_server, username)
    page.goto(live_server.url + changelist)
    watch.check(f"{label}队列")
    for row in rows:
        page.goto(f"{live_server.url}{changelist}{row.pk}/change/")
        watch.check(f"{label} {row.tracking_number} 管理页")
    page.context.close()


def receipt_numbers(page, where):
    """The tracking number and 查询码 on a receipt page (or the form's errors, failing)."""
    if not page.locator("#tracking-number").count():
        errors = page.locator(".errorlist").all_inner_texts()
        pytest.fail(f"{where}: the form was refused: {errors}")
    tracking = page.locator("#tracking-number").inner_text().strip()
    return tracking, page.locator("#query-code").inner_text().strip()


def submit(page):
    with page.expect_navigation():
        page.locator("form.citizen-form, form[method=post]").last.locator(
            "[type=submit]"
        ).last.click()


def test_payloads_in_messages_stay_inert_everywhere(live_server, browser, page, desk):
    url = live_server.url
    watch = Watch(page)
    rounds = max(chunks_for(2000), chunks_for(500), 4)
    bodies, subjects, names = batches(2000, rounds), batches(100, rounds), batches(30, rounds)
    comments = batches(500, rounds)
    for n in range(rounds):
        page.goto(url + "/zmhd/xiexin/")
        page.get_by_label(re.compile("^留言类别")).select_option(label="不动产登记")
        page.locator("#id_has_publication_consent_0").check()
        fields = {
            "subject": subjects[n],
            "body": bodies[n],
            "sender_name": names[n],
            "sender_email": "x@example.com",
            "website": "",
        }
        # First with every field hostile (the phone too): the form comes back with errors.
        fill(page, {**fields, "sender_phone": PAYLOADS[n][:20]})
        submit(page)
        watch.check(f"留言表单（出错重填）第{n + 1}批")
        assert page.locator(".errorlist").count() >= 1
        fill(page, {**fields, "sender_phone": "13812345678"})
        submit(page)
        watch.check(f"留言回执 第{n + 1}批")
        tracking, code = receipt_numbers(page, "留言")

        message = Message.objects.get(tracking_number=tracking)
        message.record_reply(by=desk["head"], text=bodies[(n + 1) % rounds])
        message.approve(by=desk["reviewer"])

        page.goto(url + "/zmhd/chaxun/")
        fill(page, {"tracking_number": tracking, "query_code": code})
        submit(page)
        watch.check(f"留言办理进度（查询码）第{n + 1}批")
        page.get_by_label("满意", exact=True).check()
        fill(page, {"comment": comments[n]})
        submit(page)
        watch.check(f"评价后 第{n + 1}批")

        page.goto(url + f"/zmhd/liuyan/{tracking}/")
        watch.check(f"公开留言页 第{n + 1}批")
        assert "alert" in page.locator("main").inner_text()  # the payloads are there, as text
    page.goto(url + "/zmhd/liuyan/")
    watch.check("公开留言列表")
    page.goto(url + "/zmhd/")
    watch.check("政民互动首页")
    # Published messages are in the site search: results show their text with the hits marked.
    for word in ["alert", "script", "onerror", "javascript", "留言"]:
        page.goto(url + "/search/?" + urlencode({"q": word}))
        assert page.locator(".search-results li").count(), f"搜索“{word}”没有结果"
        watch.check(f"站内搜索结果“{word}”")

    # A lookup typed with payloads: the form comes back with them, inert.
    page.goto(url + "/zmhd/chaxun/")
    fill(page, {"tracking_number": PAYLOADS[0], "query_code": PAYLOADS[1]})
    submit(page)
    watch.check("留言查询（出错）")

    # The clerk and the reviewer open the messages in the admin.
    open_in_admin(
        browser, live_server, "kezhang", "/admin/complaints/message/", Message.objects.all(), "留言"
    )


def test_payloads_in_applications_stay_inert_everywhere(live_server, browser, page, desk):
    url = live_server.url
    watch = Watch(page)
    rounds = max(chunks_for(1000), chunks_for(500))
    descriptions, purposes = batches(1000, rounds), batches(500, rounds)
    names, addresses, shorts = batches(100, rounds), batches(120, rounds), batches(30, rounds)
    for n in range(rounds):
        page.goto(url + "/zwgk/ysqgk/")
        page.get_by_label("证件类型").select_option("resident_id")
        page.get_by_label("电子邮件", exact=True).check()
        fields = {
            "applicant_name": names[n],
            "address": addresses[n],
            "description": descriptions[n],
            "purpose": purposes[n],
            "legal_representative": shorts[n],
            "contact_name": shorts[(n + 1) % rounds],
            "email": "zhang@example.com",
            "website": "",
        }
        fill(page, {**fields, "id_number": PAYLOADS[n][:30], "phone": PAYLOADS[n + 1][:20]})
        submit(page)
        watch.check(f"申请表（出错重填）第{n + 1}批")
        assert page.locator(".errorlist").count() >= 1
        fill(page, {**fields, "id_number": VALID_ID_NUMBER, "phone": "13812345678"})
        submit(page)
        watch.check(f"申请回执 第{n + 1}批")
        tracking, code = receipt_numbers(page, "申请")

        page.goto(url + "/zwgk/ysqgk/chaxun/")
        fill(page, {"tracking_number": tracking, "query_code": code})
        submit(page)
        watch.check(f"申请办理进度（查询码）第{n + 1}批")

    open_in_admin(
        browser,
        live_server,
        "gongkaiban",
        "/admin/disclosure/informationrequest/",
        InformationRequest.objects.all(),
        "申请",
    )


GET_FORMS = [
    # (where, path, parameter): public GET forms whose input comes back in the page.
    ("办件公示查询", "/bsfw/bjgs/cx/", "number"),
    ("办件公示列表", "/bsfw/bjgs/", "number"),
    ("公开目录文号", "/zwgk/gkml/", "document_number"),
    ("公开留言关键词", "/zmhd/liuyan/", "q"),
    ("公开留言年份", "/zmhd/liuyan/", "year"),
]


def test_payloads_in_search_and_lookup_boxes_stay_inert(live_server, page, desk):
    watch = Watch(page)
    # The header search box, typed by hand.
    page.goto(live_server.url + "/")
    box = page.locator("input[name=q]").first
    box.fill(PAYLOADS[0])
    box.press("Enter")
    page.wait_for_load_state()
    watch.check("页头搜索框")
    # Site search: each payload on its own (the query is echoed in the box and the heading).
    for number, payload in enumerate(PAYLOADS):
        page.goto(live_server.url + "/search/?" + urlencode({"q": payload}))
        watch.check(f"站内搜索 第{number + 1}条")
    # The other boxes: ten payloads at a time.
    for where, path, name in GET_FORMS:
        for start in range(0, len(PAYLOADS), 10):
            value = " ".join(PAYLOADS[start : start + 10])
            page.goto(live_server.url + path + "?" + urlencode({name: value}))
            watch.check(f"{where} 第{start + 1}条起")


def test_payloads_in_comments_and_evaluations_stay_inert(live_server, browser, page, desk):
    """征求意见 comments and 网上评议 comments: the forms, the published comments on the draft's
    page and the results page, and the reviewer's admin pages."""
    from complaints.models import ConsultationComment, EvaluationResponse
    from tests.complaints.factories import (
        EvaluationRoundFactory,
        EvaluationSubjectFactory,
        published_consultation,
    )

    url = live_server.url
    watch = Watch(page)
    consultation = published_consultation(department=desk["head"].department)
    evaluation = EvaluationRoundFactory()
    EvaluationSubjectFactory(round=evaluation)
    rounds = max(chunks_for(3000), chunks_for(1000), 3)
    bodies, comments, names = batches(3000, rounds), batches(1000, rounds), batches(30, rounds)
    for n in range(rounds):
        page.goto(url + consultation.get_absolute_url())
        fields = {"body": "意见：" + bodies[n], "sender_name": names[n]}
        fill(page, {**fields, "sender_phone": PAYLOADS[n][:20]})
        submit(page)
        watch.check(f"征求意见表（出错重填）第{n + 1}批")
        assert page.locator(".errorlist").count() >= 1
        fill(page, {**fields, "sender_phone": "13812345678"})
        submit(page)
        watch.check(f"意见提交后 第{n + 1}批")

        page.goto(url + evaluation.get_absolute_url())
        page.evaluate(
            """() => document.querySelectorAll('select[name^="s"]')
                 .forEach(s => { s.value = '5'; })"""
        )
        fill(page, {"comment": comments[n], "phone": f"1391234{n:04d}"})
        submit(page)
        watch.check(f"网上评议提交后 第{n + 1}批")
    for comment in ConsultationComment.objects.all():
        comment.approve(by=desk["reviewer"])
    for response in EvaluationResponse.objects.all():
        response.approve_comment(by=desk["reviewer"])
    assert ConsultationComment.objects.count() == rounds
    assert EvaluationResponse.objects.count() == rounds

    page.goto(url + consultation.get_absolute_url())
    watch.check("征求意见稿页（已公开的意见）")
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()  # shown as text
    EvaluationRound = type(evaluation)
    EvaluationRound.objects.filter(pk=evaluation.pk).update(
        closes_on=evaluation.opens_on  # ended: the results and public comments show
    )
    page.goto(url + evaluation.get_results_url())
    watch.check("评议结果页")
    assert "onerror" in page.locator("main").inner_text()  # the comments, shown as text

    office, office_watch = staff_page(browser, live_server, "gongkaiban")
    for path in ["/admin/complaints/consultationcomment/", "/admin/complaints/evaluationresponse/"]:
        office.goto(url + path)
        office_watch.check(path)
    for comment in ConsultationComment.objects.all():
        office.goto(f"{url}/admin/complaints/consultationcomment/{comment.pk}/change/")
        office_watch.check(f"意见 {comment.pk} 管理页")
    for response in EvaluationResponse.objects.all():
        office.goto(f"{url}/admin/complaints/evaluationresponse/{response.pk}/change/")
        office_watch.check(f"评议答卷 {response.pk} 管理页")
    office.context.close()
