"""内容安全词库 out to Excel/CSV and back: preview per row, confirm, the scanner sees the terms."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal import content_safety, roles
from portal.models import SensitiveTerm
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

HEADER = ["词条", "类别", "匹配方式", "级别", "正确写法", "说明", "启用"]


@pytest.fixture
def keeper(client):
    client.force_login(make_staff(roles.SYSTEM_ADMIN, username="xitong"))
    return client


def set_term(term, suggestion):
    """A misspelling entry as the seeded list has it (a warning, active, no note)."""
    SensitiveTerm.objects.update_or_create(
        term=term,
        category="misspelling",
        defaults={"suggestion": suggestion, "severity": "warn", "kind": "word", "note": ""}
        | {"is_active": True},
    )


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("词库.xlsx", buffer.getvalue())


def csv_file(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("词库.csv", buffer.getvalue().encode(encoding))


def test_export_as_xlsx_and_csv_follows_the_list_filter(keeper):
    set_term("按排", "安排")
    xlsx_response = keeper.get(
        reverse("admin:portal_sensitiveterm_export", args=["xlsx"]), {"category": "misspelling"}
    )
    assert xlsx_response.status_code == 200
    assert "attachment" in xlsx_response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[[r[0] for r in rows].index("按排")][:5] == (
        "按排",
        "常见错别字",
        "词语",
        "警告",
        "安排",
    )
    assert {row[1] for row in rows[1:]} == {"常见错别字"}  # the filter applied
    csv_response = keeper.get(reverse("admin:portal_sensitiveterm_export", args=["csv"]))
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeff词条,类别,匹配方式,级别,正确写法,说明,启用")
    assert "\r\n按排,常见错别字,词语,警告,安排,,是\r\n" in text
    assert keeper.get(reverse("admin:portal_sensitiveterm_export", args=["pdf"])).status_code == 404


def test_import_previews_each_row_then_saves_and_the_scanner_sees_it(keeper):
    set_term("按排", "安排")
    set_term("布署", "部署")
    assert not content_safety.scan_text("通知中出现示例禁用语丙丁")  # builds the cached scanner
    upload = xlsx(
        [
            HEADER,
            ["示例禁用语丙丁", "违禁内容", "词语", "阻断", "", "导入测试", "是"],
            ["按排", "常见错别字", "词语", "阻断", "安排", "", "是"],
            ["布署", "常见错别字", "词语", "警告", "部署", "", "是"],
            ["", "常见错别字", "", "", "", "", ""],
            ["既使", "错字", "", "", "", "", ""],
            ["[", "赌博色情广告", "正则表达式", "阻断", "", "", "是"],
            ["按排", "常见错别字", "", "", "", "", ""],
        ]
    )
    response = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": upload})
    assert response.status_code == 200
    outcomes = [(row.line, row.outcome) for row in response.context["rows"]]
    assert outcomes == [
        (2, "新增"),
        (3, "修改"),
        (4, "不变"),
        (5, "错误"),
        (6, "错误"),
        (7, "错误"),
        (8, "错误"),
    ]
    text = response.text
    assert "级别：警告→阻断" in text
    assert "第5行：词条不能为空" in text
    assert "第6行：类别“错字”无效，应为：违禁内容、赌博色情广告、常见错别字" in text
    assert "第7行：词条：正则表达式有误" in text
    assert "第8行：与第3行重复（同一类别下的同一词条）" in text
    assert "未导入任何词条" in text and 'name="confirm"' not in text
    assert not SensitiveTerm.objects.filter(term="示例禁用语丙丁").exists()

    good = xlsx([HEADER, *load_rows(upload)[:3]])  # the three good rows
    preview = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": good})
    assert "新增 1 条，修改 1 条，不变 1 条，错误 0 行" in preview.text
    assert 'name="confirm"' in preview.text
    saved = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"confirm": "1"}, follow=True)
    assert "词库导入完成：新增 1 条，修改 1 条，不变 1 条" in saved.text
    assert SensitiveTerm.objects.get(term="按排").severity == "block"
    # bulk_create sent no signal, yet the scanner's cache knows the new term at once.
    findings = content_safety.scan_text("通知中出现示例禁用语丙丁")
    assert [f.term for f in findings] == ["示例禁用语丙丁"] and findings[0].is_blocking


def load_rows(upload):
    upload.seek(0)
    return [list(r) for r in load_workbook(upload).active.iter_rows(values_only=True)][1:]


def test_a_gbk_csv_imports_and_bad_files_get_chinese_errors(keeper):
    upload = csv_file([["词条", "类别"], ["帐户名册测试", "常见错别字"]], encoding="gb18030")
    preview = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": upload})
    assert [row.outcome for row in preview.context["rows"]] == ["新增"]
    no_header = csv_file([["词语"], ["帐号"]])
    page = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": no_header})
    assert "缺少列：词条、类别" in page.text
    other = SimpleUploadedFile("词库.txt", b"x")
    page = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": other})
    assert "只支持 CSV 或 XLSX 文件" in page.text
    broken = SimpleUploadedFile("词库.xlsx", b"not a workbook")
    page = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": broken})
    assert "无法读取该 Excel 文件" in page.text
    again = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"confirm": "1"}, follow=True)
    assert again.status_code == 200 and "没有待导入的数据" in again.text


def test_readers_of_the_list_export_but_do_not_import(client, reviewer):
    client.force_login(reviewer)  # 审核员: view only
    assert client.get(reverse("admin:portal_sensitiveterm_export", args=["csv"])).status_code == 200
    assert client.get(reverse("admin:portal_sensitiveterm_import")).status_code == 403
    page = client.get(reverse("admin:portal_sensitiveterm_changelist")).text
    assert "导出 Excel" in page and "导入</a>" not in page


@pytest.mark.parametrize("extra", [0, 40])
def test_export_and_preview_have_a_fixed_number_of_queries(
    keeper, django_assert_max_num_queries, extra
):
    """Export: session, user, permissions (x2), the rows. Preview: session, user, permissions
    (x2), site settings (x3 on first use), the word list once, the session saved: 13 whatever
    the file's length."""
    SensitiveTerm.objects.bulk_create(
        SensitiveTerm(term=f"测试词{n}", category="misspelling") for n in range(extra)
    )
    with django_assert_max_num_queries(8):
        keeper.get(reverse("admin:portal_sensitiveterm_export", args=["csv"]))
    rows = [HEADER, *([f"导入词{n}", "常见错别字", "", "", "", "", ""] for n in range(extra + 1))]
    # + the roles and the navigation's 我的待办 / 通知 counts (portal.worklist)
    with django_assert_max_num_queries(15):
        response = keeper.post(reverse("admin:portal_sensitiveterm_import"), {"file": xlsx(rows)})
    assert len(response.context["rows"]) == extra + 1
