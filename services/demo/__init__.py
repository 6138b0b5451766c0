"""Demo 办事服务 of 江川市国土资源局: guides with forms, the hall's windows, approval results.

The texts are data beside this file: `guides.toml` (the guides), `hall.toml` (themes and
windows) and `results.toml` (names and outcomes of the generated 办件公示). Idempotent (guides by
事项编码, windows by number, results only once) and deterministic (a seeded random generator;
dates counted back from the day of loading).
"""

import io
import random
import zipfile
from datetime import datetime, time, timedelta
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.utils import timezone

from portal import roles
from portal.demo import read_data
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST
from portal.uploads import validate_upload
from services.models import (
    ApprovalResult,
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    MaterialForm,
    ResultSample,
    ServiceGuide,
    ServiceRating,
    ServiceTheme,
    ServiceWindow,
    SpecialProcedure,
)
from services.models.ratings import record_rating

GUIDE_DATA = read_data(__file__, "guides.toml")
HALL = read_data(__file__, "hall.toml")
RESULTS = read_data(__file__, "results.toml")
BUREAU = GUIDE_DATA["bureau"]["name"]


# Generated forms --------------------------------------------------------------------------------
def make_docx(title, lines):
    """Return a small real .docx (Office Open XML) with a title and lines, built with zipfile."""
    paragraphs = [
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="36"/></w:rPr>'
        f"<w:t>{escape(title)}</w:t></w:r></w:p>"
    ] + [f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in lines]
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{''.join(paragraphs)}</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
        ]:
            # A fixed timestamp keeps the generated files byte-identical between runs.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def form_lines(title, *, sample):
    fill = (lambda value: value) if sample else (lambda value: "____________")
    return [
        f"受理编号：{fill('BDC20260315-0008')}",
        f"申请人（单位）名称：{fill('张建国')}",
        f"证件类型及号码：{fill('居民身份证 3302**********1234')}",
        f"联系电话：{fill('138****5678')}",
        f"坐落：{fill('江川市滨江区府前路 66 号 3 幢 502 室')}",
        f"申请事项：{fill(title)}",
        "申请人声明：本人（单位）对所提交材料的真实性负责。",
        f"申请人签章：{fill('张建国')}　　日期：{fill('2026年3月15日')}",
        f"{BUREAU} 制",
    ]


def attach_form(material, title, kind):
    sample = kind == MaterialForm.Kind.SAMPLE
    suffix = "（填写示例）" if sample else ""
    content = ContentFile(make_docx(title + suffix, form_lines(title, sample=sample)))
    content.name = f"{title}{suffix}.docx"
    validate_upload(content)  # the same content check as an upload in the admin
    MaterialForm.objects.create(material=material, kind=kind, file=content)


# Loading ----------------------------------------------------------------------------------------
def load(*, stdout):
    # The themes come from a data migration; a flushed test database needs them back.
    themes = {
        theme["slug"]: ServiceTheme.objects.get_or_create(
            slug=theme["slug"], defaults={"name": theme["name"], "order": order * 10}
        )[0]
        for order, theme in enumerate(HALL["themes"], start=1)
    }
    departments = {d.code: d for d in Department.objects.all()}
    author = User.objects.filter(username="xinxiyuan").first()
    reviewer = User.objects.filter(username="shenheyuan").first()
    if not (author and reviewer and departments):
        stdout.write("  跳过：缺少演示科室或账号（请先载入 portal 的演示数据）")
        return
    created = 0
    for data in GUIDE_DATA["guide"]:
        if ServiceGuide.objects.filter(code=data["code"]).exists():
            continue
        create_guide(data, themes, departments, author, reviewer)
        created += 1
    stdout.write(f"  办事指南：新建 {created} 个，共 {ServiceGuide.objects.count()} 个")
    windows = 0
    for data in HALL["window"]:
        window, is_new = ServiceWindow.objects.get_or_create(
            number=data["number"],
            defaults={
                "name": data["name"],
                "handles": "\n".join(data["handles"]),
                "row": data["row"],
                "column": data["column"],
                "width": data["width"],
            },
        )
        if is_new:
            window.themes.set([themes[slug] for slug in data["themes"] if slug in themes])
            windows += 1
    stdout.write(f"  窗口布局：新建 {windows} 个窗口")
    if not ApprovalResult.objects.exists():
        count = create_results()
        stdout.write(f"  办件公示：新建 {count} 条")
    if not ServiceRating.objects.exists():
        count, bad = create_ratings()
        stdout.write(f"  好差评：新建 {count} 条评价，其中差评 {bad} 条")


def attach_result_sample(guide):
    """A sample of the licence or certificate the item issues, marked 样本."""
    title = f"{guide.result_name}（样本）"
    lines = [
        "编号：（样本）江川〔2026〕第 0000001 号",
        f"事项：{guide.name}",
        "权利人 / 申请人：张建国",
        "坐落 / 项目名称：江川市滨江区府前路 66 号",
        f"发证机关：{guide.decision_body}（盖章）",
        "本样本仅供参考，不具有法律效力。",
    ]
    content = ContentFile(make_docx(title, lines))
    content.name = f"{title}.docx"
    validate_upload(content)
    ResultSample.objects.create(guide=guide, file=content)


def guide_summary(guide, materials):
    """Return the 简版指南 in one paragraph, written from the guide's own elements."""
    required = [material for material in materials if material.is_required]
    fee = "不收费" if guide.is_free else "按标准收费"
    return (
        f"{guide.name}由{guide.department.name}承办，可{guide.handling_modes_label()}。"
        f"请备齐{len(required)}项必需材料（{'、'.join(m.name for m in required)}），"
        f"到{guide.location}{guide.window}办理或在政务服务网申报；"
        f"承诺时限{guide.promised_time_limit_label()}，{fee}，{guide.visits_label()}。"
        f"办结后取得{guide.result_name}。"
    )


def shared(value, table):
    """Return value, or the entry of the guides file's `table` that the string value names."""
    return GUIDE_DATA[table][value] if isinstance(value, str) else value


def create_guide(data, themes, departments, author, reviewer):
    bureau = GUIDE_DATA["bureau"]
    department = departments[data["department"]]
    fee = shared(data["fee"], "fees") if "fee" in data else None
    standard = GUIDE_DATA["standard"]
    handles = data.get("handles", standard["handles"])
    guide = ServiceGuide.objects.create(
        code=data["code"],
        name=data["name"],
        initial=data["initial"],
        kind=data["kind"],
        theme=themes[data["theme"]],
        implementing_body=BUREAU,
        department=department,
        conditions="\n".join(data["conditions"]),
        location=GUIDE_DATA["locations"][data["location"]],
        window=data["window"],
        office_hours=bureau["office_hours"],
        legal_time_limit=data["legal_time_limit"],
        promised_time_limit=data["promised_time_limit"],
        is_free=fee is None,
        fee_standard=fee["standard"] if fee else "",
        fee_basis=fee["basis"] if fee else "",
        inquiry_phone=department.phone or "0571-87061234",
        complaint_phone=bureau["complaint_phone"],
        online_url=f"{bureau['online_url']}{data['code']}",
        decision_body=BUREAU,
        approval_quantity=standard["approval_quantity"],
        intake_channels="；".join(standard["intake"][mode] for mode in handles),
        handles_online="online" in handles,
        handles_window="window" in handles,
        handles_post="post" in handles,
        result_name=data["result_name"],
        result_delivery=standard["result_delivery"],
        rights_obligations="\n".join(standard["rights"]),
        visits=data.get("visits", standard["visits"]),
        no_special_procedures=not data.get("special"),
        author=author,
    )
    attach_result_sample(guide)
    for order, procedure in enumerate(data.get("special", []), start=1):
        SpecialProcedure.objects.create(guide=guide, order=order, **procedure)
    for order, basis in enumerate(data["bases"], start=1):
        LegalBasis.objects.create(guide=guide, order=order, **basis)
    for order, entry in enumerate(data["materials"], start=1):
        entry = GUIDE_DATA["materials"][entry["shared"]] if "shared" in entry else entry
        material = GuideMaterial.objects.create(
            guide=guide,
            name=entry["name"],
            original=entry["original"],
            copies=entry["copies"],
            medium=entry["medium"],
            is_required="condition" not in entry,
            condition=entry.get("condition", ""),
            order=order,
        )
        if "form" in entry:
            attach_form(material, entry["form"], MaterialForm.Kind.BLANK)
            attach_form(material, entry["form"], MaterialForm.Kind.SAMPLE)
    for order, step in enumerate(shared(data["steps"], "steps"), start=1):
        GuideStep.objects.create(guide=guide, order=order, **step)
    for order, question in enumerate(data.get("questions", []), start=1):
        GuideQuestion.objects.create(guide=guide, order=order, **question)
    guide.summary = guide_summary(guide, guide.materials.all())
    guide.save(update_fields=["summary"])
    guide.submit(by=author)
    guide.approve(by=reviewer, checklist=dict.fromkeys(REVIEW_CHECKLIST, True))
    return guide


def create_results(*, count=320, today=None):
    """Create a few hundred results over the last four months, a dozen of them today."""
    today = today or timezone.localdate()
    rng = random.Random(20260601)
    surnames, given_names = RESULTS["surnames"], RESULTS["given_names"]
    guides = list(ServiceGuide.objects.published().select_related("theme").order_by("code"))
    weights = [12 if guide.theme.slug == "bdcdj" else 3 for guide in guides]
    counters = {}
    created = 0
    # The applicants' phones' last four digits (for 一事一评) from a generator of their own, so
    # the results themselves stay as they were.
    phones = random.Random(20261207)
    for index in range(count):
        guide = rng.choices(guides, weights=weights)[0]
        age = 0 if index < 14 else rng.randint(1, 120)
        accepted = today - timedelta(days=age)
        while accepted.weekday() >= 5:
            accepted -= timedelta(days=1)
        counters[accepted] = counters.get(accepted, 0) + 1
        prefix = RESULTS["prefixes"].get(guide.theme.slug, "QT")
        number = f"{prefix}{accepted:%Y%m%d}-{counters[accepted]:04d}"
        # The applicant fits the matter: a villager for 宅基地, a mining company for 采矿权.
        group = rng.choice(RESULTS["applicants"].get(guide.code, ["person"]))
        is_org = group != "person"
        name = (
            rng.choice(RESULTS["organisations"][group])
            if is_org
            else rng.choice(surnames) + rng.choice(given_names)
        )
        status, completed, result = result_state(rng, guide, accepted, today)
        ApprovalResult.objects.create(
            tracking_number=number,
            guide=guide,
            applicant_kind="organisation" if is_org else "person",
            applicant_name=name,
            phone_last4=f"{phones.randint(0, 9999):04d}",
            accepted_on=accepted,
            status=status,
            completed_on=completed,
            result=result,
        )
        created += 1
    # Rows entered by the demo count as changed on their last real date, not today.
    ApprovalResult.objects.exclude(accepted_on=today).exclude(completed_on=today).update(
        updated_at=timezone.now() - timedelta(days=1)
    )
    return created


def result_state(rng, guide, accepted, today):
    """Return (status, completed_on, result) plausible for an application of that age."""
    age = (today - accepted).days
    limit = max(guide.promised_time_limit or 1, 1)
    if age == 0:
        return rng.choice(["accepted", "accepted", "processing"]), None, ""
    if age < limit + 2 and rng.random() < 0.6:
        return (
            rng.choice(["accepted", "processing", "processing", "returned"]),
            None,
            ("材料不齐，已一次性告知补正" if rng.random() < 0.1 else ""),
        )
    completed = min(accepted + timedelta(days=rng.randint(1, limit + 2)), today)
    if rng.random() < 0.05:
        return "refused", completed, "不符合法定条件，不予许可，已书面告知理由和救济途径"
    outcome = RESULTS["outcomes"].get(guide.theme.slug, "已办结")
    return "completed", completed, outcome


RATING_LEVELS = ["very_satisfied", "satisfied", "fair", "unsatisfied", "very_unsatisfied"]
RATING_COMMENTS = {
    "very_satisfied": "窗口一次性告知，当天就办好了",
    "satisfied": "办理顺利",
    "fair": "",
    "unsatisfied": "材料要求前后说法不一，跑了两次",
    "very_unsatisfied": "排队时间太长，咨询电话一直占线",
}


def create_ratings(*, now=None):
    """一事一评 of about a third of the finished results, the day after each finished; the 差评
    older than two weeks were called back and put right by their department's head."""
    now = now or timezone.now()
    rng = random.Random(20261208)
    finished = ApprovalResult.objects.filter(status__in=ApprovalResult.FINISHED).select_related(
        "guide"
    )
    heads = {
        user.department_id: user
        for user in User.objects.filter(groups__name=roles.DEPARTMENT_HEAD).order_by("pk")
    }
    count = bad = 0
    for result in finished.order_by("pk"):
        if rng.random() > 0.35:
            continue
        rated_at = timezone.make_aware(
            datetime.combine(result.completed_on + timedelta(days=1), time(10, rng.randint(0, 59)))
        )
        if rated_at > now:
            continue
        level = rng.choices(RATING_LEVELS, weights=[55, 28, 10, 5, 2])[0]
        rating = record_rating(
            channel=ServiceRating.Channel.ONLINE,
            level=level,
            comment=RATING_COMMENTS[level],
            result=result,
            now=rated_at,
        )
        count += 1
        if rating.is_bad():
            bad += 1
            head = heads.get(rating.department_id)
            if head is not None and (now - rated_at).days > 14:
                case = rating.case
                case.record_visit(
                    by=head,
                    contact_method="phone",
                    visit_outcome="电话回访申请人，了解情况并致歉",
                    now=rated_at + timedelta(days=1),
                )
                case.rectify(
                    by=head,
                    rectification="已对窗口人员进行业务培训，统一一次性告知口径；"
                    "申请材料清单以网上公布的办事指南为准。",
                    now=rated_at + timedelta(days=5),
                )
    return count, bad
