"""Demo catalog: some hundreds of realistic items of a city land & resources bureau; then the
依申请公开 (`requests.py`).

The texts are data: `catalog.toml` beside this file (columns and their title templates, body
paragraphs, the 公开指南, the 专题 campaigns). Items go through the real workflow (submit,
approve) with past times, so their 索引号 and 发布日期 are what the system would have given them.
Deterministic and idempotent.
"""

import random
from datetime import datetime, time, timedelta
from importlib import import_module
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.utils import timezone

from disclosure.models import Category, Item, ItemAttachment
from portal.demo import read_data
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST

from . import requests

TARGET = 320
DRAWS = 200  # tries for a title not used yet, before accepting a repeat
CHECKLIST = dict.fromkeys(REVIEW_CHECKLIST, True)
CATALOG = read_data(__file__, "catalog.toml")
PLACES, VILLAGES, PARAGRAPHS = CATALOG["places"], CATALOG["villages"], CATALOG["paragraphs"]
# column slug -> (department code, document-number prefix or "", title templates)
COLUMNS = {
    slug: (column["department"], column.get("number_prefix", ""), column["titles"])
    for slug, column in CATALOG["column"].items()
}


def minimal_pdf(title):
    """Return the bytes of a small valid PDF (the content check only needs a real PDF)."""
    text = title.encode("ascii", "ignore").decode() or "Attachment"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


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


def draw_item(rng, slugs, weights, now, *, within_days=None):
    """Return (column slug, publication time, 成文日期, title) of one demo item (published in the
    last within_days days if given, else at any time in the last five years)."""
    slug = rng.choices(slugs, weights)[0]
    titles = COLUMNS[slug][2]
    if within_days:
        days_ago = rng.randint(1, max(within_days // 2, 1))
    else:
        days_ago = int(rng.triangular(0, 5 * 365, 30))
    published = now - timedelta(days=days_ago, hours=rng.randint(0, 8))
    published = timezone.make_aware(
        datetime.combine(
            timezone.localtime(published).date(), time(rng.randint(9, 17), rng.randint(0, 59))
        )
    )
    written_on = timezone.localtime(published).date() - timedelta(days=rng.randint(1, 12))
    title = rng.choice(titles).format(
        year=written_on.year,
        n=rng.randint(1, 12),
        place=rng.choice(PLACES),
        village=rng.choice(VILLAGES),
    )
    return slug, published, written_on, title


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
    officer = User.objects.get(username="xinxiyuan")
    reviewer = User.objects.get(username="shenheyuan")
    now = timezone.now()
    serials = {}
    slugs = list(COLUMNS)
    weights = [4 if s in {"zwdt", "tzgg", "zdgg", "xzxk", "jggs", "bdcdj"} else 2 for s in slugs]
    created = []
    titles_used = set(Item.objects.values_list("title", flat=True))
    people = SimpleNamespace(officer=officer, reviewer=reviewer, departments=departments)

    def publish(slug, published, written_on, title):
        code, prefix, _ = COLUMNS[slug]
        year = written_on.year
        document_number = ""
        if prefix:
            if (prefix, year) not in serials:  # a later run goes on from the numbers given
                serials[(prefix, year)] = Item.objects.filter(
                    document_number__startswith=f"{prefix}〔{year}〕"
                ).count()
            serials[(prefix, year)] += 1
            document_number = f"{prefix}〔{year}〕{serials[(prefix, year)]}号"
        created.append(
            publish_item(
                rng, people, columns[slug], code, published, written_on, title, document_number
            )
        )

    # First every column gets an item well within its update rule (on a fresh database its
    # titles are all free), so that the demo's 政务公开工作 board has no stale or empty column.
    for slug in slugs:
        column = columns[slug]
        days = freshness_days(column)
        recent = now - timedelta(days=days)
        if Item.objects.public().filter(category=column, published_at__gte=recent).exists():
            continue
        for _attempt in range(DRAWS):
            _, published, written_on, title = draw_item(rng, [slug], [1], now, within_days=days)
            if title not in titles_used:
                titles_used.add(title)
                publish(slug, published, written_on, title)
                break
    for _ in range(max(TARGET - Item.objects.count(), 0)):
        # A bureau does not issue the same title twice: draw again until the title is new.
        for _attempt in range(DRAWS):
            slug, published, written_on, title = draw_item(rng, slugs, weights, now)
            if title not in titles_used:
                break
        titles_used.add(title)
        publish(slug, published, written_on, title)
    if created:
        link_demo_items(rng)
    load_guide(columns["gkzn"], departments["bgs"], officer, reviewer)
    load_campaigns(columns["xchd"], departments["bgs"], officer, reviewer)
    requests.load(stdout=stdout)
    stdout.write(f"信息条目 {Item.objects.count()} 条（新增 {len(created)} 条）。")


def publish_item(rng, people, column, code, published, written_on, title, document_number):
    """Create one demo item and take it through submit and approve at its past times."""
    department = people.departments[code]
    item = Item.objects.create(
        title=title,
        category=column,
        department=department,
        written_on=written_on,
        document_number=document_number,
        keywords=" ".join(rng.sample(CATALOG["keywords"], 2)),
        summary=f"{title}。" + PARAGRAPHS[0][:60],
        body="".join(f"<p>{p}</p>" for p in rng.sample(PARAGRAPHS, 3)),
        source=department.name,
        author=people.officer,
        created_at=published - timedelta(days=1),
    )
    if rng.random() < 0.12:
        ItemAttachment.objects.create(
            item=item,
            original_name=f"{title[:40]}.pdf",
            file=ContentFile(minimal_pdf(f"Attachment {item.pk}"), name="attachment.pdf"),
        )
    item.submit(by=people.officer, now=published - timedelta(hours=3))
    item.approve(by=people.reviewer, checklist=CHECKLIST, now=published)
    # Demo history: the row was written then, not today.
    Item.objects.filter(pk=item.pk).update(updated_at=published)
    return item


def link_demo_items(rng):
    """Repeal some old normative documents in favour of newer ones; tie 解读 to documents."""
    documents = list(Item.objects.public().filter(category__slug="gfxwj").order_by("written_on"))
    for old, new in zip(documents[:4], documents[-4:], strict=False):
        if old.pk != new.pk:
            old.validity = Item.Validity.REPEALED if rng.random() < 0.5 else Item.Validity.AMENDED
            old.replaced_by = new
            old.save(update_fields=["validity", "replaced_by", "updated_at"])
            # Demo history: repealed when the replacing document was made, not today.
            Item.objects.filter(pk=old.pk).update(validity_changed_on=new.written_on)
    interpretations = list(Item.objects.public().filter(category__slug="zcjd"))
    for interpretation in interpretations:
        if documents:
            interpretation.interprets.add(rng.choice(documents))


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


def demo_photo(seed):
    """Return a small PNG (a banded landscape) made without any image library."""
    import struct
    import zlib

    width, height = 240, 150
    top = (30 + seed * 20 % 80, 110, 170)
    rows = []
    for y in range(height):
        if y < height * 0.55:
            colour = top
        elif y < height * 0.75:
            colour = (60, 140 + seed * 13 % 60, 70)
        else:
            colour = (180, 160 - seed * 7 % 40, 90)
        rows.append(b"\0" + bytes(colour) * width)
    raw = zlib.compress(b"".join(rows))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def load_campaigns(parent, department, officer, reviewer):
    """专题 columns under 宣传活动, each with a few photographed activities; photos on 要闻."""
    rng = random.Random(625)
    now = timezone.now()
    for order, campaign in enumerate(CATALOG["campaign"], start=1):
        slug, name, description, titles = (
            campaign[key] for key in ("slug", "name", "description", "titles")
        )
        column, created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": parent,
                "description": description,
                "order": order * 10,
                "department": department,
                "update_days": 365,
            },
        )
        if not created:
            continue
        places = rng.sample(PLACES, len(titles) * 2)  # a different place each time
        for n, template in enumerate(titles * 2):
            published = now - timedelta(days=30 + 150 * n + rng.randint(0, 20))
            item = Item.objects.create(
                title=template.format(
                    n=36 - n, place=places[n], year=timezone.localdate(published).year
                ),
                category=column,
                department=department,
                written_on=timezone.localdate(published),
                summary=description,
                body=f"<p>{description}。{PARAGRAPHS[1]}</p>",
                author=officer,
            )
            ItemAttachment.objects.create(
                item=item,
                original_name=f"活动照片{n + 1}.png",
                file=ContentFile(demo_photo(n + order), name="photo.png"),
            )
            item.submit(by=officer, now=published - timedelta(hours=2))
            item.approve(by=reviewer, checklist=CHECKLIST, now=published)
            Item.objects.filter(pk=item.pk).update(updated_at=published)
    # A photo on the newest 政务动态 items, for the homepage 要闻.
    for n, item in enumerate(Item.objects.public().filter(category__slug="zwdt").latest()[:3]):
        if not item.attachments.exists():
            ItemAttachment.objects.create(
                item=item,
                original_name="现场照片.png",
                file=ContentFile(demo_photo(n + 5), name="photo.png"),
            )
