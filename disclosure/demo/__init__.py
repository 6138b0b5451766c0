"""Demo catalog: some hundreds of items of a city land & resources bureau that tell one story;
then the 依申请公开 (`requests.py`).

The texts are data: `catalog.toml` beside this file (for each column its title templates and the
kind of body its items get, the body templates, the 公开指南, the 专题 campaigns). An item is drawn
as a whole: its title, 文号, dates, column, department, body and attachment come from one template
and agree with each other (a quarter is one that has ended, a campaign's news lies in its week, a
行政处罚决定书 reads as a decision). A document marked `interpret` is published with its 政策解读,
whose title names the document and which links to it. Attachments (`files.py`) and news pictures
(`pictures.py`) are made at load time from the item's own text. Items go through the real
workflow (submit, approve) with past times, so their 索引号 and 发布日期 are what the system would
have given them. Deterministic and idempotent.
"""

import random
import re
from datetime import date, datetime, time, timedelta
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from disclosure.models import Category, Item, ItemAttachment
from portal.demo import read_data
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST

from . import files, pictures, requests

TARGET = 320
ATTACHMENTS_FOR = timedelta(days=730)  # items of the last two years carry their files
DRAWS = 200  # tries for a title not used yet, before giving up on the column
# 政务动态: one news item every ten days or so, for the last 18 months.
NEWS_DAYS, NEWS_EVERY = 540, 10
CHECKLIST = dict.fromkeys(REVIEW_CHECKLIST, True)
CATALOG = read_data(__file__, "catalog.toml")
PLACES, VILLAGES, PARAGRAPHS = CATALOG["places"], CATALOG["villages"], CATALOG["paragraphs"]
BODIES = CATALOG["body"]
CAMPAIGNS = {campaign["slug"]: campaign for campaign in CATALOG["campaign"]}


def _spec(entry):
    return entry if isinstance(entry, dict) else {"title": entry}


# column slug -> (department code, document-number prefix or "", title templates)
COLUMNS = {
    slug: (
        column["department"],
        column.get("number_prefix", ""),
        [_spec(entry)["title"] for entry in column["titles"]],
    )
    for slug, column in CATALOG["column"].items()
}
SPECS = {
    slug: [_spec(entry) for entry in column["titles"]] for slug, column in CATALOG["column"].items()
}


def interpretation_title(document_title):
    """Return the title of a document's 政策解读: its exact title in 《》 (inner ones as 〈〉)."""
    inner = document_title.replace("《", "〈").replace("》", "〉")
    return f"《{inner}》政策解读"


def campaign_day(slug, year):
    """Return the day of campaign slug in year (全国土地日: 25 June)."""
    campaign = CAMPAIGNS[slug]
    return date(year, campaign["month"], campaign["day"])


def fill_title(rng, template, written_on):
    """Return template with its placeholders filled for an item written on written_on (used by
    `manage.py generate_items` too)."""
    quarter_year, quarter = previous_quarter(written_on)
    return template.format(
        year=quarter_year if "{quarter}" in template else written_on.year,
        n=rng.randint(1, 12),
        quarter=quarter,
        place=rng.choice(PLACES),
        village=rng.choice(VILLAGES),
        company=rng.choice(CATALOG["companies"]["build"]),
        miner=rng.choice(CATALOG["companies"]["mine"]),
        ordinal="",
    )


def previous_quarter(day):
    """Return (year, quarter) of the last quarter that ended before day."""
    quarter = (day.month - 1) // 3  # 0 in January–March: the year before's fourth
    return (day.year, quarter) if quarter else (day.year - 1, 4)


def ensure_columns():
    """Recreate the seeded columns and their 标准目录 if they are gone (a flushed test database)."""
    from django.apps import apps

    if not Category.objects.filter(slug="gkzn").exists():
        import_module("disclosure.migrations.0002_seed_categories").seed(apps, None)
    if not Category.objects.filter(slug="dzzh").exists():
        import_module("disclosure.migrations.0009_category_standard_attributes").seed(apps, None)


def freshness_days(column):
    """Return within how many days a demo column's newest item should lie: half its rule (and
    its parent's), so that the demo's 政务公开工作 board is green for weeks after loading."""
    rules = [
        days for days in (column.update_days, getattr(column.parent, "update_days", None)) if days
    ]
    return max(min(rules, default=365) // 2, 3)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def draw_draft(rng, slug, now, *, within_days=None, days_ago=None, titles_used=()):
    """Return one demo item as a draft (title, dates and the figures of its body), or None when
    the template drawn cannot be dated in the window asked for or its title is taken."""
    today = timezone.localdate(now)
    spec = rng.choice(SPECS[slug])
    if days_ago is None and within_days:
        days_ago = rng.randint(1, max(within_days // 2, 1))
    elif days_ago is None:
        days_ago = int(rng.triangular(0, 5 * 365, 30))
    published = at(timezone.localdate(now - timedelta(days=days_ago)), rng.randint(9, 17))
    # News is written up the day it happens; a document is signed some days before it is out.
    lag = rng.randint(0, 1) if slug in {"zwdt", "xchd"} else rng.randint(1, 12)
    written_on = timezone.localdate(published) - timedelta(days=lag)
    ordinal = ""
    if "campaign" in spec:
        year = (
            written_on.year
            if campaign_day(spec["campaign"], written_on.year) < today
            else written_on.year - 1
        )
        written_on = campaign_day(spec["campaign"], year)
        published = at(written_on + timedelta(days=rng.choice([0, 0, 1])), rng.randint(15, 18))
        ordinal = year - CAMPAIGNS[spec["campaign"]]["first_year"] + 1
    elif "month" in spec:
        year = written_on.year
        written_on = date(year, spec["month"], rng.randint(3, 25))
        if written_on >= today:
            written_on = written_on.replace(year=year - 1)
        published = at(written_on + timedelta(days=rng.randint(1, 6)), rng.randint(9, 17))
    if published >= now or (within_days and published < now - timedelta(days=within_days)):
        return None
    year = written_on.year + spec.get("year_offset", 0)
    quarter_year, quarter = previous_quarter(written_on)
    if "{quarter}" in spec["title"]:
        year = quarter_year
    values = {
        "year": year,
        "n": rng.randint(1, 12),
        "quarter": quarter,
        "ordinal": ordinal,
        "place": rng.choice(PLACES),
        "village": rng.choice(VILLAGES),
        "company": rng.choice(CATALOG["companies"]["build"]),
        "miner": rng.choice(CATALOG["companies"]["mine"]),
    }
    title = spec["title"].format(**values)
    if title in titles_used:
        return None
    return SimpleNamespace(
        slug=slug,
        spec=spec,
        title=title,
        written_on=written_on,
        published=published,
        values=values | figures(rng, written_on),
        number="",
        document=None,
    )


def figures(rng, written_on):
    """Return the figures a body may name, drawn once so that they agree with each other."""
    area = rng.uniform(1.5, 40)
    farm = area * rng.uniform(0.5, 0.9)
    sqm = rng.randrange(300, 3000, 10)
    arable_sqm = int(sqm * rng.uniform(0.3, 1))
    rate = rng.choice([20, 30, 40])
    tons = rng.randrange(2000, 20000, 100)
    income = tons * 45
    filed_on = written_on - timedelta(days=rng.randint(60, 90))
    before = filed_on - timedelta(days=rng.randint(30, 200))
    budget = rng.randrange(4200, 6800, 10) + rng.randint(0, 99) / 100
    return {
        "area": f"{area:.4f}",
        "farm": f"{farm:.4f}",
        "arable": f"{farm * rng.uniform(0.4, 0.8):.4f}",
        "sqm": sqm,
        "arable_sqm": arable_sqm,
        "rate": rate,
        "fine": f"{arable_sqm * rate}",
        "price": str(rng.randrange(1200, 9800, 10)),
        "count": rng.randint(6, 30),
        "cases": (cases := rng.randint(8, 30)),
        "closed": rng.randint(cases // 2, cases),
        "km2": f"{rng.uniform(0.05, 0.6):.4f}",
        "top": rng.randrange(120, 260, 10),
        "bottom": rng.randrange(20, 110, 10),
        "tons": tons,
        "income": str(income),
        "mine_fine": str(income * 3 // 10),
        "budget": f"{budget:.2f}",
        "car": f"{rng.uniform(8, 20):.2f}",
        "reception": f"{rng.uniform(0.5, 3):.2f}",
        "people": rng.randrange(100, 600, 50),
        "use": rng.choice(["住宅用地", "商服用地", "工业用地"]),
        "structure": rng.choice(CATALOG["structures"]),
        "year_before": before.year,
        "month_before": before.month,
        "filed_on": f"{filed_on:%Y年%-m月%-d日}",
        "notice_on": f"{written_on - timedelta(days=rng.randint(15, 25)):%Y年%-m月%-d日}",
        "statement": rng.choice(["未提出陈述、申辩意见", "提出了陈述、申辩意见，经复核，不予采纳"]),
        "deadline": f"{written_on + timedelta(days=30):%Y年%-m月%-d日}",
        "surname": rng.choice(CATALOG["surnames"]),
        "credit": "91330200MA2"
        + "".join(rng.choice("ABCDEFGHJKLMNPQRTUWXY0123456789") for _ in range(7)),
        "gender": rng.choice(["男", "女"]),
    }


def paragraphs_of(draft, department):
    """Return the body paragraphs of draft, filled in from its own title, dates and figures."""
    spec, values = draft.spec, draft.values
    kind = spec.get("body") or CATALOG["column"].get(draft.slug, {}).get("body", "news")
    if kind == "news":
        templates = spec.get("text") or CAMPAIGNS[spec["campaign"]]["text"]
    elif kind == "penalty":
        templates = BODIES["penalty_mine" if spec.get("party") == "miner" else "penalty_land"]
    else:
        templates = BODIES[kind]
    subject = re.search(r"关于(.+)的(?:通知|实施意见|公告|预公告)$", draft.title)
    doc = re.search(r"《(.+?)》", draft.title)
    document = draft.document
    context = values | {
        "title": draft.title,
        "subject": subject.group(1) if subject else draft.title,
        "doc": doc.group(1) if doc else draft.title,
        "topic": spec.get("topic") or (subject.group(1) if subject else draft.title),
        "date": f"{draft.written_on:%Y年%-m月%-d日}",
        "number": draft.number,
        "dept": department.name,
        "phone": department.phone or "0571-87061234",
        "party": party(spec, values) if spec.get("party") else "",
    }
    if document is not None:
        context |= {
            "doc_title": document.title.replace("《", "〈").replace("》", "〉"),
            "number": f"（{document.number}）" if document.number else "",
            "topic": document.spec.get("topic") or context["topic"],
        }
    if spec.get("party") == "miner":
        context["fine"] = values["mine_fine"]
    return [template.format(**context) for template in templates]


def party(spec, values):
    """Return the 当事人 of a 行政处罚决定书: a villager masked as a public page masks a person
    (张**, the address to the village), a company by its name and credit code."""
    if spec.get("party") == "person":
        return (
            f"{values['surname']}**，{values['gender']}，"
            f"住址：江川市{values['place']}{values['village']}（详细地址略）"
        )
    name = values["miner"] if spec.get("party") == "miner" else values["company"]
    return (
        f"{name}，统一社会信用代码：{values['credit']}，法定代表人：{values['surname']}**，"
        f"住所：江川市{values['place']}"
    )


def attachment_of(draft, paragraphs):
    """Return (file name, kind, what to make it from) of draft's attachment, or None."""
    kind = draft.spec.get("attachment")
    if not kind or draft.published < timezone.now() - ATTACHMENTS_FOR:
        return None
    if kind == "pdf":
        return f"{draft.title[:120]}.pdf", (draft.title, draft.number, paragraphs)
    if kind == "docx":
        if draft.slug == "rsxx":
            rows = [
                ("姓名", "", "性别", ""),
                ("出生年月", "", "政治面貌", ""),
                ("学历学位", "", "毕业院校", ""),
                ("报考岗位", "", "联系电话", ""),
                ("学习和工作经历", "", "", ""),
            ]
            content = files.make_docx(
                draft.title, draft.number, ["附件：报名登记表"], form_rows=rows
            )
            return f"{draft.title[:60]}（报名登记表）.docx", content
        return f"{draft.title[:120]}.docx", files.make_docx(draft.title, draft.number, paragraphs)
    header, rows = table_of(draft)
    return f"{draft.title[:120]}（明细表）.xlsx", files.make_xlsx(draft.title, header, rows)


def table_of(draft):
    """Return (header, rows) of the table an item's XLSX carries, in its figures."""
    rng = random.Random(draft.title)
    values = draft.values
    if draft.slug == "crgg":
        return [
            "序号",
            "地块编号",
            "地块位置",
            "出让面积（平方米）",
            "用途",
            "出让年限",
            "起始价（万元）",
        ], [
            (
                index,
                f"江土告{values['year']}-{values['n']:02d}-{index}",
                rng.choice(PLACES) + rng.choice(["东至规划道路", "南至河道", "北至绿地"]),
                rng.randrange(8000, 60000, 10),
                rng.choice(["住宅用地", "商服用地", "工业用地"]),
                "70年",
                rng.randrange(3000, 40000, 10),
            )
            for index in range(1, rng.randint(2, 5))
        ]
    if draft.slug == "xzxk":
        village = "乡村建设" in draft.title
        return ["序号", "项目名称", "申请人", "许可证编号", "用地面积（平方米）", "核发日期"], [
            (
                index,
                f"{rng.choice(VILLAGES)}村民自建住房"
                if village
                else f"{rng.choice(PLACES)}{rng.choice(['安置房', '学校', '厂房', '道路'])}项目",
                f"{rng.choice(CATALOG['surnames'])}**"
                if village
                else rng.choice(CATALOG["companies"]["build"]),
                f"{'乡字' if village else '地字'}第330200{values['year']}{index:05d}号",
                rng.randrange(80, 160) if village else rng.randrange(3000, 60000, 10),
                f"{draft.written_on - timedelta(days=rng.randint(1, 20)):%Y-%m-%d}",
            )
            for index in range(1, values["count"] + 1)
        ]
    if draft.slug == "dzzh":
        return ["序号", "隐患点位置", "灾害类型", "威胁人数", "监测责任人", "联系电话"], [
            (
                index,
                f"{rng.choice(PLACES)}{rng.choice(VILLAGES)}",
                rng.choice(["滑坡", "崩塌", "泥石流", "地面塌陷"]),
                rng.randint(5, 120),
                f"{rng.choice(CATALOG['surnames'])}**",
                f"139****{rng.randint(1000, 9999)}",
            )
            for index in range(1, 13)
        ]
    if draft.slug == "sfxm":
        return ["序号", "收费项目", "收费标准", "收费依据"], [
            (1, "不动产登记费（住宅）", "80元/件", "发改价格规〔2016〕2559号"),
            (2, "不动产登记费（非住宅）", "550元/件", "发改价格规〔2016〕2559号"),
            (3, "证书工本费", "第一本免收，每增加一本10元", "财税〔2016〕79号"),
            (4, "土地复垦费", "按省定标准", "《土地复垦条例》"),
        ]
    budget = float(values["budget"].replace(",", ""))
    basic = round(budget * 0.62, 2)
    return ["科目编码", "科目名称", "合计（万元）", "基本支出", "项目支出"], [
        ("220", "自然资源海洋气象等支出", budget, basic, round(budget - basic, 2)),
        ("22001", "自然资源事务", round(budget * 0.9, 2), basic, round(budget * 0.9 - basic, 2)),
        ("208", "社会保障和就业支出", round(budget * 0.1, 2), round(budget * 0.1, 2), 0),
    ]


def load(*, stdout):
    ensure_columns()
    rng = random.Random(2026)
    departments = {d.code: d for d in Department.objects.all()}
    columns = {c.slug: c for c in Category.objects.select_related("parent")}
    owners = {slug: code for slug, (code, _, _) in COLUMNS.items()}
    for slug, column in columns.items():
        code = owners.get(slug) or owners.get(
            next((child.slug for child in column.children.all() if child.slug in owners), ""), "bgs"
        )
        if column.department_id is None and code in departments:
            column.department = departments[code]
            column.save(update_fields=["department"])
    people = SimpleNamespace(
        officer=User.objects.get(username="xinxiyuan"),
        reviewer=User.objects.get(username="shenheyuan"),
        departments=departments,
    )
    now = timezone.now()
    slugs = [slug for slug in COLUMNS if SPECS[slug]]
    weights = [4 if s in {"zwdt", "tzgg", "zdgg", "xzxk", "jggs", "bdcdj"} else 2 for s in slugs]
    titles_used = set(Item.objects.values_list("title", flat=True))
    drafts = []

    def take(draft):
        titles_used.add(draft.title)
        drafts.append(draft)

    # First every column gets an item well within its update rule (on a fresh database its
    # titles are all free), so that the demo's 政务公开工作 board has no stale or empty column.
    for slug in slugs:
        days = freshness_days(columns[slug])
        recent = now - timedelta(days=days)
        if Item.objects.public().filter(category=columns[slug], published_at__gte=recent).exists():
            continue
        for _attempt in range(DRAWS):
            draft = draw_draft(rng, slug, now, within_days=days, titles_used=titles_used)
            if draft:
                take(draft)
                break
    # 政务动态 is the homepage's 要闻: a working bureau has news every week or two.
    if not Item.objects.filter(category=columns["zwdt"]).exists():
        for days_ago in range(10, NEWS_DAYS, NEWS_EVERY):
            for _attempt in range(20):
                draft = draw_draft(
                    rng, "zwdt", now, days_ago=days_ago + rng.randint(0, 4), titles_used=titles_used
                )
                # A template of a fixed month or campaign day lands elsewhere: not this slot.
                if draft and abs((now - draft.published).days - days_ago) <= 6:
                    take(draft)
                    break
    for _ in range(max(TARGET - Item.objects.count() - len(drafts), 0)):
        # A bureau does not issue the same title twice: draw again until the title is new.
        for _attempt in range(DRAWS):
            draft = draw_draft(rng, rng.choices(slugs, weights)[0], now, titles_used=titles_used)
            if draft:
                take(draft)
                break
    created = publish_drafts(rng, drafts, columns, people, now)
    if created:
        link_versions()
    load_guide(columns["gkzn"], departments["bgs"], people.officer, people.reviewer)
    load_campaigns(rng, columns["xchd"], people, now)
    requests.load(stdout=stdout)
    stdout.write(f"信息条目 {Item.objects.count()} 条（新增 {created} 条）。")


def publish_drafts(rng, drafts, columns, people, now):
    """Number, write, attach and publish drafts in the order they were published; a document
    marked `interpret` gets its 政策解读 the same day. Return how many items were made."""
    drafts.sort(key=lambda draft: draft.published)
    serials = {}
    for draft in drafts:
        prefix = COLUMNS[draft.slug][1]
        if prefix:
            year = draft.written_on.year
            if (prefix, year) not in serials:  # a later run goes on from the numbers given
                serials[(prefix, year)] = Item.objects.filter(
                    document_number__startswith=f"{prefix}〔{year}〕"
                ).count()
            serials[(prefix, year)] += 1
            draft.number = f"{prefix}〔{year}〕{serials[(prefix, year)]}号"
    everything = []
    for draft in drafts:
        everything.append(draft)
        if draft.spec.get("interpret"):
            published = min(draft.published + timedelta(hours=rng.randint(1, 6)), now)
            everything.append(
                SimpleNamespace(
                    slug="zcjd",
                    spec={"body": "interpretation"},
                    title=interpretation_title(draft.title),
                    written_on=draft.written_on,
                    published=published,
                    values=draft.values,
                    number="",
                    document=draft,
                )
            )
    for draft in everything:
        department = people.departments[COLUMNS[draft.slug][0]]
        draft.department = department
        draft.paragraphs = paragraphs_of(draft, department)
    pdf_drafts = [
        d
        for d in everything
        if d.spec.get("attachment") == "pdf" and d.published >= now - ATTACHMENTS_FOR
    ]
    pdfs = files.render_pdfs([(d.title, d.number, d.paragraphs) for d in pdf_drafts])
    for draft, content in zip(pdf_drafts, pdfs, strict=True):
        draft.pdf = content
    for draft in everything:
        draft.item = create_item(rng, draft, columns[draft.slug], people)
        if draft.document is not None:
            draft.item.interprets.add(draft.document.item)
    return len(everything)


def create_item(rng, draft, column, people, *, picture_seed=None):
    """Create one demo item with its attachment and take it through submit and approve at its
    past times."""
    department = draft.department
    item = Item.objects.create(
        title=draft.title,
        category=column,
        department=department,
        written_on=draft.written_on,
        document_number=draft.number,
        keywords=keywords_of(draft, column),
        summary=summary_of(draft),
        body="".join(f"<p>{p}</p>" for p in draft.paragraphs),
        source=department.name,
        author=people.officer,
        created_at=draft.published - timedelta(days=1),
    )
    attachment = attachment_of(draft, draft.paragraphs)
    if attachment:
        name, content = attachment
        if name.endswith(".pdf"):
            content = draft.pdf
        ItemAttachment.objects.create(
            item=item,
            original_name=name,
            file=ContentFile(content, name="attachment" + Path(name).suffix),
        )
    scene = draft.spec.get("scene") or CAMPAIGNS.get(draft.spec.get("campaign"), {}).get("scene")
    if scene:
        ItemAttachment.objects.create(
            item=item,
            original_name="现场配图.png",
            file=ContentFile(pictures.draw_scene(scene, draft.title), name="picture.png"),
        )
    item.submit(by=people.officer, now=draft.published - timedelta(hours=3))
    item.approve(by=people.reviewer, checklist=CHECKLIST, now=draft.published)
    # Demo history: the row was written then, not today.
    Item.objects.filter(pk=item.pk).update(updated_at=draft.published)
    return item


def summary_of(draft):
    """Return the 内容概述: the title and the body's first sentence of substance."""
    first = next(
        (p for p in draft.paragraphs if len(p) > 30 and not p.startswith("当事人")),
        draft.paragraphs[0],
    )
    first = first.removesuffix("：") + ("。" if first.endswith("：") else "")
    return (first if first.startswith(draft.title) else f"{draft.title}。{first}")[:160]


def keywords_of(draft, column):
    """Return the 主题词: the bureau's words that the item's title and body use."""
    text = draft.title + "".join(draft.paragraphs)
    words = [word for word in CATALOG["keywords"] if word in text]
    return " ".join(words[:3]) or column.name


def link_versions():
    """A revised 办法 repeals the earlier one and names it as its replacement; a year's notice
    has lapsed once its year is over."""
    documents = list(Item.objects.public().filter(category__slug="gfxwj").order_by("written_on"))
    by_name = {}
    for document in documents:
        name = re.search(r"《(.+?)(?:（\d{4}年修订）)?》", document.title)
        if name:
            by_name.setdefault(name.group(1), []).append(document)
    for versions in by_name.values():
        newest = versions[-1]
        for old in versions[:-1]:
            old.validity, old.replaced_by = Item.Validity.REPEALED, newest
            old.save(update_fields=["validity", "replaced_by", "updated_at"])
            Item.objects.filter(pk=old.pk).update(validity_changed_on=newest.written_on)
    this_year = timezone.localdate().year
    for document in documents:
        year = re.search(r"(\d{4})年度", document.title)
        if year and int(year.group(1)) < this_year:
            document.validity = Item.Validity.EXPIRED
            document.save(update_fields=["validity", "updated_at"])
            Item.objects.filter(pk=document.pk).update(
                validity_changed_on=date(int(year.group(1)), 12, 31)
            )


def load_guide(column, department, officer, reviewer):
    """The 公开指南 text, published in its own column."""
    if Item.objects.filter(category=column).exists():
        return
    guide = CATALOG["guide"]
    now = timezone.now()
    item = Item.objects.create(
        title=guide["title"],
        category=column,
        department=department,
        written_on=timezone.localdate() - timedelta(days=30),
        summary=guide["summary"],
        body=guide["body"],
        author=officer,
        source=guide["source"],
    )
    item.submit(by=officer, now=now - timedelta(days=29))
    item.approve(by=reviewer, checklist=CHECKLIST, now=now - timedelta(days=28))
    Item.objects.filter(pk=item.pk).update(updated_at=now - timedelta(days=28))


def load_campaigns(rng, parent, people, now):
    """专题 columns under 宣传活动: each campaign's activity of the last five years, dated on its
    day, each with a picture of the scene."""
    today = timezone.localdate(now)
    for order, campaign in enumerate(CATALOG["campaign"], start=1):
        column, created = Category.objects.get_or_create(
            slug=campaign["slug"],
            defaults={
                "name": campaign["name"],
                "parent": parent,
                "description": campaign["description"],
                "order": order * 10,
                "department": people.departments["bgs"],
                "update_days": 365,
            },
        )
        if not created:
            continue
        last = today.year if campaign_day(campaign["slug"], today.year) < today else today.year - 1
        for index, year in enumerate(range(last - 4, last + 1)):
            day = campaign_day(campaign["slug"], year)
            spec = {
                "title": campaign["titles"][index % len(campaign["titles"])],
                "campaign": campaign["slug"],
                "body": "news",
            }
            values = {
                "year": year,
                "ordinal": year - campaign["first_year"] + 1,
                "place": rng.choice(PLACES),
                "village": rng.choice(VILLAGES),
                "people": rng.randrange(100, 600, 50),
            }
            draft = SimpleNamespace(
                slug=campaign["slug"],
                spec=spec,
                title=spec["title"].format(**values),
                written_on=day,
                published=min(at(day + timedelta(days=rng.choice([0, 1])), 17), now),
                values=values | figures(rng, day) | {"people": values["people"]},
                number="",
                document=None,
                department=people.departments["bgs"],
            )
            draft.paragraphs = paragraphs_of(draft, draft.department)
            create_item(rng, draft, column, people)
