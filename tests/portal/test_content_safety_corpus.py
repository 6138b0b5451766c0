"""The content-safety corpus: cases the team wrote from what hacked government pages, tired
clerks and leaked rosters really look like (tests/portal/content_safety_corpus/cases.tsv), and
rosters inside PDF, XLSX and DOCX attachments made here. Prints recall; blocking cases must reach
95 %, and the clean official text must have no blocking finding."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from portal import content_safety
from portal.models import Department, Leader, SiteSettings
from tests.disclosure.factories import ItemFactory

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "content_safety_corpus" / "cases.tsv"
RECALL_TARGET = 0.95
# Roster rows with valid 18-digit ID numbers (check digit per GB 11643) and mobile numbers.
ROSTER = [
    ("户主", "身份证号码", "联系电话", "补偿金额（元）"),
    ("张三", "110101199003074514", "13812345678", "120000"),
    ("李四", "320102198706130018", "13987654321", "86000"),
    ("王五", "530102198504120021", "15011112222", "64500"),
]


def read_cases():
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, expected, text = line.split("\t", 2)
        cases.append((kind, expected, text.replace("\\n", "\n").replace("\\u200b", "\u200b")))
    return cases


@pytest.fixture
def bureau(db):
    """The names the near-miss check knows: the bureau, two departments, a leader."""
    settings_row = SiteSettings.load()
    settings_row.bureau_name = "江川市国土资源局"
    settings_row.save()
    Department.objects.create(name="不动产登记中心", code="bdcdj")
    Department.objects.create(name="耕地保护监督科", code="gdbh")
    Leader.objects.create(name="张建华", position="党组书记、局长", duties="主持全面工作")


def caught(kind, expected, findings):
    if kind == "block":
        return any(f.is_blocking for f in findings)
    if kind == "warn":
        return any(f.suggestion == expected for f in findings)
    if kind == "pd":
        return any(f.category == content_safety.PERSONAL_DATA for f in findings)
    return not any(f.is_blocking for f in findings)


def test_corpus_recall_and_no_blocking_on_clean_text(bureau, capsys):
    cases = read_cases()
    missed = {}
    totals = {}
    for kind, expected, text in cases:
        totals[kind] = totals.get(kind, 0) + 1
        if not caught(kind, expected, content_safety.scan_text(text)):
            missed.setdefault(kind, []).append(text)
    with capsys.disabled():
        print(f"\n内容安全语料：{len(cases)} 条文本")
        for kind, label in [
            ("block", "阻断（赌博色情诈骗）"),
            ("warn", "警告（错别字、名称一字之差）"),
            ("pd", "个人信息"),
            ("clean", "正常公文（无阻断）"),
        ]:
            found = totals.get(kind, 0) - len(missed.get(kind, []))
            print(f"  {label}：{found}/{totals.get(kind, 0)} = {found / totals[kind]:.1%}")
            for text in missed.get(kind, []):
                print(f"    未通过：{text[:60]}")
    assert len(cases) >= 150
    block_recall = 1 - len(missed.get("block", [])) / totals["block"]
    assert block_recall >= RECALL_TARGET
    assert not missed.get("clean"), missed.get("clean")
    assert 1 - len(missed.get("warn", [])) / totals["warn"] >= 0.9
    assert not missed.get("pd")


# Rosters in attachments --------------------------------------------------------------------
def xlsx_roster():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "补偿名册"
    for row in ROSTER:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_roster():
    import docx

    document = docx.Document()
    document.add_paragraph("江川市2026年度低保对象名单公示")
    table = document.add_table(rows=len(ROSTER), cols=len(ROSTER[0]))
    for r, row in enumerate(ROSTER):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_roster():
    """A one-page PDF whose text layer holds the roster (ASCII digits in a standard font)."""
    lines = [f"{name_no}  {row[1]}  {row[2]}" for name_no, row in enumerate(ROSTER[1:], 1)]
    text = " Tj T* ".join(f"({line})" for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 72 720 Td {text} Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


ATTACHMENTS = [
    ("征地补偿名册.xlsx", xlsx_roster, "工作表“补偿名册”单元格B2"),
    ("低保对象名单.docx", docx_roster, "表格1第2行第2列"),
    ("补偿款发放表.pdf", pdf_roster, "第1页第1行"),
]


@pytest.mark.parametrize(("name", "build", "place"), ATTACHMENTS)
def test_rosters_in_attachments_block_the_item_and_name_the_place(officer, name, build, place):
    item = ItemFactory(author=officer, body="<p>现将补偿情况公示如下，详见附件。</p>")
    attachment = item.attachments.create(file=ContentFile(build(), name=name), original_name=name)
    findings = [f for f in content_safety.scan_publication(item) if f.category == "personal_data"]
    assert findings and all(f.is_blocking for f in findings)
    ids = [f for f in findings if f.matched == "110101199003074514"]
    assert ids and ids[0].location == place
    assert ids[0].field_label == f"附件“{attachment}”"
    assert {"13812345678", "320102198706130018"} <= {f.matched for f in findings}


def test_old_binary_attachments_are_reported_as_not_read(officer):
    item = ItemFactory(author=officer)
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    item.attachments.create(file=ContentFile(head, name="名册.et"), original_name="名册.et")
    findings = content_safety.scan_publication(item)
    assert [f.severity for f in findings] == ["warn"]
    assert "无法自动检查" in findings[0].note
