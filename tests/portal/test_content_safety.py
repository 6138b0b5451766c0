"""Content safety: the scanner, its word lists, the workflow gate, the admin panel, the commands."""

import sys
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from disclosure.models import Item
from portal import content_safety
from portal.content_safety import BLOCKING, WARNING, Scanner, Term
from portal.models import ContentFinding, SensitiveTerm
from tests.disclosure.factories import CHECKLIST, ItemFactory
from tests.portal.factories import UserFactory

pytestmark = pytest.mark.django_db

# What an 信息员 might paste from a hacked page: betting spam disguised with full-width letters,
# a zero-width space and punctuation, next to an ordinary misspelling (布署 → 部署).
DRAFT = (
    "关于做好2026年度耕地保护工作的通知\n"
    "各科室：请认真布署今年的耕地保护工作。\n"
    "澳门\u200b新·葡 京，ｂｅｔ３６５．ｃｏｍ 注册送彩金\n"
)

SCANNER = Scanner(
    [
        Term("布署", "misspelling", WARNING, "部署", "错别字"),
        Term("帐号", "misspelling", WARNING, "账号"),
        Term("澳门新葡京", "spam", BLOCKING, "", "赌博广告"),
        Term("注册送", "spam", BLOCKING),
        Term("国土资源部", "institution_name", WARNING, "自然资源部"),
        Term(
            r"(?<![a-z])(?:bet|casino)[a-z0-9]{0,12}(?:com|net)",
            "spam",
            BLOCKING,
            "",
            "博彩域名",
            "pattern",
        ),
    ]
)


# Scanner ------------------------------------------------------------------------------------
def test_scanner_maps_disguised_spam_back_to_the_original_text():
    """The brand, the domain and the bonus phrase of one injected line are one run."""
    findings = SCANNER.scan(DRAFT)
    spam = next(f for f in findings if f.is_blocking)
    assert spam.matched == "澳门\u200b新·葡 京，ｂｅｔ３６５．ｃｏｍ 注册送"
    assert DRAFT[spam.start : spam.end] == spam.matched
    assert (spam.line, spam.column) == (3, 1)
    assert spam.is_blocking and spam.severity_label == "阻断"
    assert spam.term == "澳门新葡京、ｂｅｔ３６５．ｃｏｍ、注册送"
    assert spam.note == content_safety.RUN_NOTE
    assert [f for f in findings if f.is_blocking] == [spam]


def test_a_lone_disguised_domain_keeps_its_own_note():
    finding = SCANNER.scan("请访问ｂｅｔ３６５．ｃｏｍ")[0]
    assert finding.matched == "ｂｅｔ３６５．ｃｏｍ"
    assert finding.column == 4
    assert finding.note == "博彩域名"


def test_scanner_reports_misspelling_as_warning_with_suggestion_line_column_and_context():
    finding = next(f for f in SCANNER.scan(DRAFT) if f.term == "布署")
    assert finding.severity == WARNING and finding.severity_label == "警告"
    assert finding.suggestion == "部署"
    assert (finding.line, finding.column) == (2, 8)
    assert "请认真布署今年" in finding.context
    assert finding.context_parts[1] == "布署"


@pytest.mark.parametrize(
    "text",
    [
        "澳门新葡京",
        "澳 门 新 葡 京",
        "澳-门.新,葡 京",
        "澳\u200b门\u200d新\ufeff葡京",
        "澳門新葡京".replace("門", "门"),
        "注\u3000册\t送",
        "ＣＡＳＩＮＯ８８．ＣＯＭ",
        "Bet 365 . Com",
    ],
)
def test_scanner_sees_through_disguises(text):
    assert [f for f in SCANNER.scan(text) if f.is_blocking]


def test_misspellings_are_not_matched_across_punctuation():
    # "布，署" is two words meeting at a comma, not a misspelling; spam would still be caught.
    assert SCANNER.scan("公告发布，署名为本局") == []


def test_clean_text_and_empty_text_have_no_findings():
    assert SCANNER.scan("江川市国土资源局关于2026年度土地变更调查的通知") == []
    assert SCANNER.scan("") == []
    assert SCANNER.scan(None) == []


def test_scanner_ignores_an_invalid_pattern_instead_of_failing():
    scanner = Scanner(
        [Term("([", "spam", BLOCKING, kind="pattern"), Term("帐号", "misspelling", WARNING)]
    )
    assert [f.term for f in scanner.scan("请登录帐号")] == ["帐号"]


def test_findings_describe_where_they_are():
    finding = SCANNER.scan("江川市\n使用国土资源部名义")[0]
    assert finding.describe().startswith("第2行第3列")
    assert "应为“自然资源部”" in finding.describe()


def test_text_from_html_keeps_lines_and_unescapes():
    assert content_safety.text_from_html("<p>甲&amp;乙</p><p>丙<br>丁</p>") == "甲&乙\n丙\n丁\n"


# Word lists ---------------------------------------------------------------------------------
def test_seeded_word_lists_cover_every_category():
    counts = {
        category: SensitiveTerm.objects.filter(category=category).count()
        for category in SensitiveTerm.Category.values
    }
    assert counts["misspelling"] >= 1000
    assert counts["spam"] >= 50
    # Gambling, lottery, porn and fraud: words, brands and patterns (context words not counted).
    assert (
        SensitiveTerm.objects.filter(category__in=["spam", "prohibited"])
        .exclude(kind="context")
        .count()
        >= 500
    )
    assert all(counts.values())
    assert SensitiveTerm.objects.get(term="既使").suggestion == "即使"
    assert SensitiveTerm.objects.get(term="国土资源部").suggestion == "自然资源部"
    assert SensitiveTerm.objects.get(term="江川市国土局").severity == "warn"


def test_seeded_patterns_compile_and_catch_betting_domains():
    for term in SensitiveTerm.objects.filter(kind="pattern"):
        term.full_clean()
    text = "访问 www.amjs8888.com 或 8888cp . net 领取"
    findings = [f for f in content_safety.scan_text(text) if f.is_blocking]
    # Two domains four characters apart are one run, from the first to the last.
    assert [f.matched for f in findings] == ["www.amjs8888.com 或 8888cp . net 领取"]


def test_invalid_pattern_is_refused_in_the_admin_form():
    term = SensitiveTerm(term="([", category="spam", severity="block", kind="pattern")
    with pytest.raises(ValidationError) as exc:
        term.full_clean()
    assert exc.value.error_dict["term"][0].code == "invalid_pattern"


def test_a_new_term_is_used_at_once():
    assert not content_safety.scan_text("违规示例词甲乙")
    SensitiveTerm.objects.create(term="示例词甲乙", category="prohibited", severity="block")
    assert content_safety.scan_text("违规示例词甲乙")[0].is_blocking
    SensitiveTerm.objects.filter(term="示例词甲乙").get().delete()
    assert not content_safety.scan_text("违规示例词甲乙")


def test_a_new_department_is_known_without_rebuilding_the_word_list():
    """The word list's automata are built once per list; names are added to a shared copy."""
    from portal.models import Department

    content_safety.scan_text("测试")
    built = dict(content_safety._term_scanners)
    Department.objects.create(name="耕地保护监督科", code="gdbh")
    findings = content_safety.scan_text("请耕地保护监管科牵头办理")
    assert [f.suggestion for f in findings] == ["耕地保护监督科"]
    assert content_safety._term_scanners == built
    assert any(content_safety._scanner()._normal is base._normal for base in built.values())


# Workflow gate ------------------------------------------------------------------------------
def test_item_declares_its_public_fields():
    assert "body" in Item.public_text_fields
    assert Item in content_safety.public_text_models()


def test_submit_is_blocked_by_spam_and_says_where(officer):
    item = ItemFactory(author=officer, body="<p>请认真布署工作。</p><p>欢迎光临澳 门 新 葡 京</p>")
    with pytest.raises(ValidationError) as exc:
        item.submit(by=officer)
    assert exc.value.code == "blocked_content"
    message = exc.value.messages[0]
    assert "正文 第2行第5列" in message
    assert "澳 门 新 葡 京" in message
    assert "2. " not in message  # the misspelling is only a warning
    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT
    assert not item.events.exists()


def test_warnings_alone_do_not_block(officer):
    item = ItemFactory(author=officer, summary="请认真布署工作，作为重点。")
    item.submit(by=officer)
    assert item.status == Item.Status.PENDING


def test_approve_is_blocked_when_spam_got_in_after_submission(officer, reviewer):
    item = ItemFactory(author=officer)
    item.submit(by=officer)
    Item.objects.filter(pk=item.pk).update(title="bet365 注册送彩金")
    item.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        item.approve(by=reviewer, checklist=CHECKLIST)
    assert exc.value.code == "blocked_content"
    assert "标题 第1行第1列" in exc.value.messages[0]
    item.refresh_from_db()
    assert item.status == Item.Status.PENDING


# Admin --------------------------------------------------------------------------------------
def test_admin_refuses_submission_and_highlights_spam_and_misspelling(client, officer):
    """The done-when: the officer pastes spam and a misspelling, submits, sees both marked."""
    item = ItemFactory(author=officer, department=officer.department, body="<p>x</p>")
    client.force_login(officer)
    change_url = reverse("admin:disclosure_item_change", args=[item.pk])
    response = client.get(change_url)
    assert "未发现错敏字和违规内容" in response.text
    Item.objects.filter(pk=item.pk).update(
        body="<p>请认真布署工作</p><p>点击ｂｅｔ３６５．ｃｏｍ注册送</p>"
    )

    response = client.post(
        reverse("admin:disclosure_item_workflow", args=[item.pk, "submit"]), follow=True
    )

    item.refresh_from_db()
    assert item.status == Item.Status.DRAFT
    page = response.text
    assert "内容安全检查未通过" in page
    assert "正文 第2行第3列" in page
    assert "<mark>ｂｅｔ３６５．ｃｏｍ注册送</mark>" in page  # the whole run, not its words
    assert "<mark>布署</mark>" in page
    assert "应为“部署”" in page
    assert "阻断 1 处，警告 1 处" in page


def test_admin_panel_escapes_the_text_it_highlights(client, officer):
    item = ItemFactory(author=officer, department=officer.department)
    Item.objects.filter(pk=item.pk).update(title='<img src=x onerror="alert(1)">注册送')
    client.force_login(officer)
    page = client.get(reverse("admin:disclosure_item_change", args=[item.pk])).text
    assert '<img src=x onerror="alert(1)">' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_office_edits_word_lists_and_reviews_findings(client, disclosure_office):
    client.force_login(disclosure_office)
    assert client.get(reverse("admin:portal_sensitiveterm_changelist")).status_code == 200
    ItemFactory(published=True, title="国土资源部通知")
    call_command("scan_content", stdout=StringIO())
    response = client.get(reverse("admin:portal_contentfinding_changelist"))
    assert response.status_code == 200
    assert "<mark>国土资源部</mark>" in response.text


# Commands -----------------------------------------------------------------------------------
def item_findings():
    """The recorded findings of catalog items (the seeded columns cite historical documents of
    the 国土资源部 in their 公开依据, and are scanned as well)."""
    return ContentFinding.objects.filter(content_type__model="item")


def test_scan_content_records_findings_of_published_rows_only():
    published = ItemFactory(published=True, title="关于国土资源部文件的通知", summary="既使如此")
    ItemFactory(title="草稿里的国土资源部")
    out = StringIO()
    call_command("scan_content", stdout=out)
    findings = item_findings().order_by("position")
    assert {f.object_id for f in findings} == {str(published.pk)}
    assert {(f.field, f.matched, f.suggestion) for f in findings} == {
        ("标题", "国土资源部", "自然资源部"),
        ("内容概述", "既使", "即使"),
    }
    assert f"记录 {ContentFinding.objects.count()} 处问题" in out.getvalue()


def test_scan_content_is_idempotent_and_keeps_resolved_findings_resolved():
    ItemFactory(published=True, title="关于国土资源部文件的通知", summary="既使如此")
    call_command("scan_content", stdout=StringIO())
    call_command("scan_content", stdout=StringIO())
    assert item_findings().count() == 2
    finding = item_findings().get(matched="既使")
    finding.resolve(by=UserFactory())
    call_command("scan_content", stdout=StringIO())
    assert item_findings().count() == 2
    assert item_findings().unresolved().get().matched == "国土资源部"


def test_check_text_prints_both_findings_and_exits_1(tmp_path, capsys):
    """The done-when on the command line: spam and misspelling printed, exit status 1."""
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("check_text", str(draft), stdout=out, stderr=StringIO())
    assert exc.value.code == 1
    lines = out.getvalue().splitlines()
    assert "2:8 警告 布署 → 部署" in lines
    # The whole injected run, as one finding with its span.
    assert f"3:1 阻断 {DRAFT.splitlines()[2]} → {content_safety.RUN_NOTE}" in lines


def test_check_text_warnings_only_exit_0(tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("请认真布署工作", encoding="utf-8")
    out = StringIO()
    call_command("check_text", str(draft), stdout=out, stderr=StringIO())
    assert out.getvalue().strip() == "1:4 警告 布署 → 部署"


def test_check_text_reads_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", StringIO(DRAFT))
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("check_text", "-", stdout=out, stderr=StringIO())
    assert exc.value.code == 1
    assert "2:8 警告 布署 → 部署" in out.getvalue()


def test_check_text_missing_file_is_a_clear_error():
    with pytest.raises(Exception, match="无法读取文件"):
        call_command("check_text", "/nonexistent/draft.txt")


# Service guides ----------------------------------------------------------------------------
def test_guides_are_scanned_over_their_declared_fields(officer):
    from services.models import ServiceGuide
    from tests.services.factories import ServiceGuideFactory

    assert "conditions" in ServiceGuide.public_text_fields
    guide = ServiceGuideFactory(author=officer, conditions="持本人身份证\n首存送彩金 百家乐")
    with pytest.raises(ValidationError) as exc:
        guide.submit(by=officer)
    assert exc.value.code == "blocked_content"
    assert "申请条件 第2行第1列" in exc.value.messages[0]


def test_scan_content_covers_guides():
    from services.models import ServiceGuide
    from tests.services.factories import ServiceGuideFactory

    guide = ServiceGuideFactory(published=True)
    ServiceGuide.objects.filter(pk=guide.pk).update(location="国土资源部大楼")
    call_command("scan_content", stdout=StringIO())
    finding = ContentFinding.objects.get(content_type__model="serviceguide")
    assert finding.content_object == guide
    assert (finding.field, finding.suggestion) == ("办理地点", "自然资源部")


def test_scan_content_reads_published_attachments_and_names_the_cell():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["张三", "110101199003074514"])
    buffer = BytesIO()
    workbook.save(buffer)
    item = ItemFactory(published=True)
    item.attachments.create(file=ContentFile(buffer.getvalue(), name="名册.xlsx"))
    call_command("scan_content", stdout=StringIO())
    finding = item_findings().get(object_id=str(item.pk))
    assert (finding.matched, finding.location) == ("110101199003074514", "工作表“Sheet”单元格B1")
    assert finding.field.startswith("附件")


# Normalisation and near-misses ----------------------------------------------------------------
NAMES = Scanner(
    [Term("市人民政府", "institution_name", WARNING, kind="name")],
    [("江川市国土资源局", ("institution_name", "江川市国土资源局"))],
)


@pytest.mark.parametrize(
    "text",
    [
        "江川市国土资局",  # a character left out inside the name
        "江川市国土资源源局",  # one put in
        "江川市国土姿源局",  # one changed
        "报市人民攻府批准",
    ],
)
def test_near_misses_of_known_names_are_warnings_with_the_correct_form(text):
    (finding,) = NAMES.scan(text)
    assert finding.severity == WARNING
    assert finding.suggestion in {"江川市国土资源局", "市人民政府"}


@pytest.mark.parametrize(
    "text",
    [
        "江川市国土资源局",
        "县人民政府",  # another level of government
        "江川市国土资源局局长",  # the name, and text running on
        "市人民政府办公室",
    ],
)
def test_known_names_and_their_neighbours_are_not_near_misses(text):
    assert NAMES.scan(text) == []


def test_traditional_circled_and_look_alike_characters_fold_before_matching():
    scanner = Scanner([Term("百家乐", "spam", BLOCKING), Term("bet365", "spam", BLOCKING)])
    for text in ["線上百家樂", "ⓑⓔⓣ③⑥⑤", "bеt３６５", "bet❸❻❺"]:
        assert [f.is_blocking for f in scanner.scan(text)] == [True], text


def test_a_misspelling_inside_a_correct_word_is_not_flagged():
    scanner = Scanner(
        [
            Term("截止", "misspelling", WARNING, "截至"),
            Term("截至日期", "misspelling", WARNING, "截止日期"),
        ]
    )
    assert scanner.scan("申报截止日期为6月30日") == []
    assert [f.suggestion for f in scanner.scan("截至日期为6月30日")] == ["截止日期"]


def test_id_check_digit_and_luhn():
    assert content_safety.is_valid_id_number("110101199003074514")
    assert not content_safety.is_valid_id_number("110101199003074515")
    assert content_safety.passes_luhn("6222021234567890128")
    assert not content_safety.passes_luhn("6222021234567890127")
