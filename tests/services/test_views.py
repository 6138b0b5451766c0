import io
import zipfile
from datetime import date

import pytest
from django.urls import reverse

from services.models import ApprovalResult
from tests.services.factories import (
    ApprovalResultFactory,
    MaterialFormFactory,
    ServiceGuideFactory,
    ServiceWindowFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return ServiceGuideFactory(published=True, name="不动产抵押权登记", code="330217001003")


# Landing and guide pages -----------------------------------------------------------------------
def test_landing_lists_published_guides_by_theme_department_and_letter(client, guide):
    draft = ServiceGuideFactory(name="草稿中的事项")
    html = client.get(reverse("services:index")).content.decode()
    assert guide.name in html and draft.name not in html
    assert "按主题查找" in html and "按科室查找" in html and "按拼音首字母查找" in html
    assert guide.department.name in html
    assert 'href="#az-B"' in html
    assert reverse("services:booklet") in html
    assert reverse("services:result-lookup") in html


def test_guide_page_shows_every_element(client, guide):
    html = client.get(reverse("services:guide-detail", args=[guide.pk])).content.decode()
    for text in [
        "事项名称",
        "事项编码",
        "330217001003",
        "事项类型",
        "实施主体",
        "承办科室",
        "设定依据",
        "《中华人民共和国民法典》第四百零二条",
        "申请条件",
        "办理材料",
        "原件",
        "情形提交：委托他人代为办理的",
        "办理流程",
        'class="flow"',
        "办理地点",
        "5号窗口",
        "办理时间",
        "法定时限",
        "30个工作日",
        "决定机构",
        "审批数量",
        "无数量限制",
        "办理方式",
        "网上办理、窗口办理",
        "到现场次数",
        "最多跑一次",
        "申请接收方式",
        "审批结果",
        "不动产登记证明（抵押权）",
        "下载样本",
        "结果送达",
        "申请人权利和义务",
        "简版指南",
        "特殊环节",
        "无特殊环节。",
        "承诺时限",
        "收费标准",
        "住宅类 80 元/件",
        "收费依据",
        "咨询电话",
        "监督投诉电话",
        "网上办理",
        "更新日期",
        "下载全部表格（ZIP）",
    ]:
        assert text in html, text
    form = guide.materials.first().forms.first()
    assert reverse("services:form-download", args=[form.pk]) in html


def test_print_layout_has_bureau_header_and_no_site_chrome(client, guide):
    html = client.get(reverse("services:guide-print", args=[guide.pk])).content.decode()
    assert 'class="print-header"' in html and "办理流程" in html
    assert "mainnav" not in html


@pytest.mark.parametrize("state", ["draft", "withdrawn"])
def test_unpublished_guides_answer_404(client, reviewer, state):
    guide = ServiceGuideFactory(published=state == "withdrawn")
    if state == "withdrawn":
        guide.withdraw(by=reviewer, reason="事项取消")
    form = guide.materials.first().forms.first()
    for url in [
        reverse("services:guide-detail", args=[guide.pk]),
        reverse("services:guide-print", args=[guide.pk]),
        reverse("services:guide-forms-zip", args=[guide.pk]),
        reverse("services:form-download", args=[form.pk]),
        reverse("services:kiosk-guide", args=[guide.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_form_download_keeps_original_name(client, guide):
    form = guide.materials.first().forms.first()
    response = client.get(reverse("services:form-download", args=[form.pk]))
    assert response.status_code == 200
    assert "不动产登记申请书.docx" in response["Content-Disposition"].encode().decode("utf-8") or (
        "%E4%B8%8D%E5%8A%A8%E4%BA%A7" in response["Content-Disposition"]
    )


def test_forms_zip_contains_every_form_under_original_names(client, guide):
    material = guide.materials.first()
    MaterialFormFactory(material=material, kind="sample", name="不动产登记申请书.docx")
    lost = MaterialFormFactory(material=guide.materials.last(), name="授权委托书.docx")
    lost.file.storage.delete(lost.file.name)  # a missing file is skipped, not a 500
    response = client.get(reverse("services:guide-forms-zip", args=[guide.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    names = archive.namelist()
    assert "不动产登记申请书.docx" in names and "不动产登记申请书（2）.docx" in names
    assert archive.read("不动产登记申请书.docx").startswith(b"PK")


@pytest.mark.parametrize("rows", [1, 30])
def test_landing_queries(client, django_assert_max_num_queries, rows):
    """Landing: settings, themes, guides, popular guides (session/messages none)."""
    ServiceGuideFactory.create_batch(rows, published=True)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("services:index")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_guide_detail_queries(client, django_assert_max_num_queries, rows):
    """Guide page: settings, guide+theme+department, bases, materials, forms, steps, questions,
    special procedures, result samples."""
    guide = ServiceGuideFactory(published=True)
    for _ in range(rows):
        MaterialFormFactory(material=guide.materials.first())
    with django_assert_max_num_queries(9):
        assert client.get(reverse("services:guide-detail", args=[guide.pk])).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_theme_page_queries(client, django_assert_max_num_queries, rows):
    """Theme page: settings, theme, guides with department."""
    ServiceGuideFactory.create_batch(rows, published=True)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("services:theme", args=["bdcdj"])).status_code == 200


# 办件公示 --------------------------------------------------------------------------------------
def test_result_list_newest_first_and_masked(client, guide):
    ApprovalResultFactory(
        guide=guide, tracking_number="BDC20261001-0001", accepted_on=date(2026, 10, 1)
    )
    ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC20261120-0002",
        accepted_on=date(2026, 11, 20),
        applicant_name="欧阳明华",
    )
    ApprovalResultFactory(
        guide=guide,
        applicant_kind="organisation",
        applicant_name="江川市滨江置业有限公司",
        accepted_on=date(2026, 11, 1),
    )
    html = client.get(reverse("services:result-list")).content.decode()
    assert html.index("BDC20261120-0002") < html.index("BDC20261001-0001")
    assert "欧***" in html and "欧阳明华" not in html
    assert "张**" in html and "张建国" not in html
    assert "江川市滨江置业有限公司" in html


def test_result_list_filters(client, guide):
    ApprovalResultFactory(guide=guide, tracking_number="BDC20261120-0001")
    ApprovalResultFactory(
        guide=guide,
        tracking_number="BDC20261120-0002",
        status="completed",
        completed_on=date.today(),
    )
    html = client.get(reverse("services:result-list"), {"status": "completed"}).content.decode()
    assert "BDC20261120-0002" in html and "BDC20261120-0001" not in html
    html = client.get(reverse("services:result-list"), {"number": "0001"}).content.decode()
    assert "BDC20261120-0001" in html and "BDC20261120-0002" not in html


def test_search_by_a_persons_full_name_reveals_nothing(client, guide):
    ApprovalResultFactory(guide=guide, applicant_name="张建国")
    html = client.get(reverse("services:result-list"), {"number": "张建国"}).content.decode()
    assert "张建国" not in html.replace('value="张建国"', "")
    assert "没有符合条件的办件" in html


def test_lookup_by_tracking_number(client, guide):
    ApprovalResultFactory(guide=guide, tracking_number="BDC20261120-0007", applicant_name="李秀英")
    html = client.get(reverse("services:result-lookup"), {"number": "bdc20261120-0007"}).content
    html = html.decode()
    assert "BDC20261120-0007" in html and "李**" in html and "李秀英" not in html
    assert "承诺办结日期" in html
    html = client.get(reverse("services:result-lookup"), {"number": "BDC0000"}).content.decode()
    assert "没有找到受理编号" in html
    html = client.get(reverse("services:result-lookup"), {"number": "<script>"}).content.decode()
    assert "受理编号只包含字母、数字和连字符" in html and "<script>" not in html


def test_result_status_change_shows_at_once(client, guide):
    result = ApprovalResultFactory(guide=guide, tracking_number="BDC20261120-0003")
    url = reverse("services:result-lookup")
    assert "办理中" not in client.get(url, {"number": result.tracking_number}).content.decode()
    result.status = ApprovalResult.Status.PROCESSING
    result.save()
    response = client.get(url, {"number": result.tracking_number})
    assert "办理中" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_export_and_feed_are_masked(client, guide):
    ApprovalResultFactory(guide=guide, applicant_name="王秀英")
    ApprovalResultFactory(
        guide=guide, applicant_kind="organisation", applicant_name="江川新源石料有限公司"
    )
    export = client.get(reverse("services:result-export")).content.decode("utf-8-sig")
    assert "王**" in export and "王秀英" not in export and "江川新源石料有限公司" in export
    feed = client.get(reverse("services:result-feed")).content.decode()
    assert "王**" in feed and "王秀英" not in feed


@pytest.mark.parametrize("rows", [1, 30])
def test_result_list_queries(client, django_assert_max_num_queries, rows, guide):
    """Result list: settings, page of results with guide, capped count, themes for the filter."""
    ApprovalResultFactory.create_batch(rows, guide=guide)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("services:result-list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_result_feed_and_export_queries(client, django_assert_max_num_queries, rows, guide):
    """Feed and export: (settings) and one query of results with their guide."""
    ApprovalResultFactory.create_batch(rows, guide=guide)
    with django_assert_max_num_queries(2):
        assert client.get(reverse("services:result-feed")).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(reverse("services:result-export")).status_code == 200


# Lobby screens ---------------------------------------------------------------------------------
def test_kiosk_pages_are_masked_and_have_no_links_out(client, guide):
    ApprovalResultFactory(guide=guide, applicant_name="周丽华")
    ServiceWindowFactory(number=5, name="抵押登记", handles="不动产抵押权登记")
    kiosk = reverse("services:kiosk")
    for url in [
        kiosk,
        reverse("services:kiosk-theme", args=["bdcdj"]),
        reverse("services:kiosk-guide", args=[guide.pk]),
        reverse("services:kiosk-windows"),
        reverse("services:kiosk-results"),
        reverse("services:kiosk-news"),
    ]:
        html = client.get(url).content.decode()
        hrefs = [part.split('"')[0] for part in html.split('href="')[1:]]
        links = [h for h in hrefs if not h.startswith("/static/")]
        assert all(h.startswith(kiosk) for h in links), (url, links)
        assert "周丽华" not in html
    html = client.get(reverse("services:kiosk-results")).content.decode()
    assert "周**" in html
    assert "抵押登记" in client.get(reverse("services:kiosk-windows")).content.decode()


def test_kiosk_news_comes_from_the_catalog(client):
    from tests.disclosure.factories import ItemFactory

    item = ItemFactory(title="关于2026年度土地变更调查工作的通知", published=True)
    html = client.get(reverse("services:kiosk-news")).content.decode()
    assert item.title in html


def test_kiosk_news_survives_without_the_catalog(client, monkeypatch):
    from django.apps import apps

    original = apps.get_model

    def missing(app_label, *args, **kwargs):
        if app_label.split(".")[0] == "disclosure":
            raise LookupError(app_label)
        return original(app_label, *args, **kwargs)

    monkeypatch.setattr(apps, "get_model", missing)
    html = client.get(reverse("services:kiosk-news")).content.decode()
    assert "暂无政务信息" in html


def test_screen_data_is_masked_and_fresh(client, guide):
    ApprovalResultFactory(guide=guide, applicant_name="孙志刚", tracking_number="BDC20261125-0001")
    response = client.get(reverse("services:screen-data"))
    data = response.json()
    assert {"news", "guides", "results", "generated_at"} <= set(data)
    assert data["results"][0]["applicant"] == "孙**"
    assert "孙志刚" not in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("rows", [1, 30])
def test_screen_data_queries(client, django_assert_max_num_queries, rows, guide):
    """LED data: news items, popular guides, today's results."""
    ApprovalResultFactory.create_batch(rows, guide=guide)
    with django_assert_max_num_queries(3):
        assert client.get(reverse("services:screen-data")).status_code == 200


def test_screen_page_timers_are_bounded(client):
    html = client.get(reverse("services:screen"), {"rotate": "0", "refresh": "abc"}).content
    html = html.decode()
    assert 'data-rotate-seconds="1"' in html and 'data-refresh-seconds="15"' in html


def test_homepage_section(client, guide):
    html = client.get(reverse("home")).content.decode()
    assert guide.name in html and reverse("services:result-lookup") in html


def test_site_search_finds_guides_and_results_with_masked_applicants(client, guide):
    ApprovalResultFactory(guide=guide, tracking_number="BDC20261120-0042", applicant_name="钱学林")
    html = client.get(reverse("search"), {"q": "抵押权"}).content.decode()
    assert reverse("services:guide-detail", args=[guide.pk]) in html
    html = client.get(reverse("search"), {"q": "BDC20261120-0042"}).content.decode()
    assert "BDC20261120-0042" in html and "钱学林" not in html
    html = client.get(reverse("search"), {"q": "钱学林"}).content.decode()
    assert "BDC20261120-0042" not in html


def test_withdrawn_guide_leaves_the_search(client, guide, reviewer):
    guide.withdraw(by=reviewer, reason="事项调整")
    html = client.get(reverse("search"), {"q": "抵押权"}).content.decode()
    assert reverse("services:guide-detail", args=[guide.pk]) not in html


@pytest.mark.parametrize("rows", [1, 30])
def test_kiosk_page_queries(client, django_assert_max_num_queries, rows, guide):
    """Kiosk pages: one query for their list (themes, guides, windows, results, news)."""
    ServiceGuideFactory.create_batch(rows, published=True)
    ApprovalResultFactory.create_batch(rows, guide=guide)
    for number in range(1, rows + 1):
        ServiceWindowFactory(number=number, row=number, column=1)
    for name, args, budget in [
        ("services:kiosk", [], 2),
        ("services:kiosk-theme", ["bdcdj"], 2),
        ("services:kiosk-windows", [], 1),
        ("services:kiosk-results", [], 1),
        ("services:kiosk-news", [], 1),
        ("services:kiosk-guide", [guide.pk], 8),
    ]:
        with django_assert_max_num_queries(budget):
            assert client.get(reverse(name, args=args)).status_code == 200, name


@pytest.mark.parametrize("rows", [1, 30])
def test_lookup_queries(client, django_assert_max_num_queries, rows, guide):
    """Lookup: one query for the result with its guide."""
    ApprovalResultFactory.create_batch(rows, guide=guide)
    with django_assert_max_num_queries(1):
        url = reverse("services:result-lookup")
        assert client.get(url, {"number": "BDC20261125-0001"}).status_code == 200


def test_bad_filters_never_fail(client, guide):
    ApprovalResultFactory(guide=guide)
    for query in [
        {"accepted_from": "2026-13-45"},
        {"theme": "abc"},
        {"status": "x"},
        {"page": "9999"},
    ]:
        assert client.get(reverse("services:result-list"), query).status_code == 200
        assert client.get(reverse("services:result-export"), query).status_code == 200


def test_booklet_failure_is_a_chinese_503(client, monkeypatch):
    from services import booklet

    def broken(**kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(booklet, "build_booklet", broken)
    response = client.get(reverse("services:booklet"))
    assert response.status_code == 503
    assert "暂不可用" in response.content.decode()
