"""Demo catalog: some hundreds of realistic items of a city land & resources bureau.

Items go through the real workflow (submit, approve) with past times, so their 索引号 and 发布日期
are what the system would have given them. Deterministic and idempotent.
"""

import random
from datetime import datetime, time, timedelta
from importlib import import_module

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from disclosure.models import Category, Item, ItemAttachment
from portal.models import Department, User
from portal.publishing import REVIEW_CHECKLIST

TARGET = 320
DRAWS = 200  # tries for a title not used yet, before accepting a repeat
CHECKLIST = dict.fromkeys(REVIEW_CHECKLIST, True)
PLACES = ["滨江区", "西湖镇", "江北新区", "临川街道", "青山乡", "北塘镇", "南湖区", "云溪街道"]
VILLAGES = ["东升村", "红星村", "新塘村", "柳湾村", "石桥村", "前进村", "长岭村", "杨家村"]

# column slug -> (department code, document-number prefix or "", title templates)
COLUMNS = {
    "gfxwj": (
        "zcfg",
        "江国土资规",
        [
            "江川市国土资源局关于进一步规范{year}年度国有建设用地使用权出让管理的通知",
            "江川市国土资源局关于印发《江川市不动产登记若干问题处理意见》的通知",
            "江川市国土资源局关于加强耕地占补平衡管理的实施意见",
            "江川市国土资源局关于印发《江川市临时用地管理办法》的通知",
            "江川市国土资源局关于规范农村宅基地审批管理的通知",
            "江川市国土资源局关于印发《江川市矿产资源开发利用监督管理办法》的通知",
        ],
    ),
    "qtwj": (
        "bgs",
        "江国土资发",
        [
            "江川市国土资源局关于开展{year}年度土地例行督察整改工作的通知",
            "江川市国土资源局关于做好{year}年地质灾害防治工作的通知",
            "江川市国土资源局关于印发{year}年政务公开工作要点的通知",
            "江川市国土资源局关于开展违法用地专项整治行动的通知",
        ],
    ),
    "zcjd": (
        "zcfg",
        "",
        [
            "《关于进一步规范{year}年度国有建设用地使用权出让管理的通知》政策解读",
            "一图读懂《江川市不动产登记若干问题处理意见》",
            "《江川市临时用地管理办法》政策解读",
            "《关于加强耕地占补平衡管理的实施意见》解读",
        ],
    ),
    "zdjc": (
        "zcfg",
        "江国土资发",
        [
            "关于《江川市国土空间总体规划（2021—2035年）》重大行政决策事项的公示",
            "江川市征地区片综合地价调整重大行政决策目录",
        ],
    ),
    "ghjh": (
        "ghk",
        "江国土资发",
        [
            "江川市{year}年度土地利用计划",
            "江川市{year}年度国有建设用地供应计划",
            "江川市矿产资源总体规划（2021—2025年）",
        ],
    ),
    "zdgg": (
        "tdly",
        "江政征",
        [
            "关于{year}年度第{n}批次城市建设用地征收土地的公告",
            "{place}{village}征收土地预公告",
            "关于{place}{year}年第{n}批次农用地转用和土地征收的公告",
        ],
    ),
    "bcaz": (
        "tdly",
        "江政征补",
        [
            "{place}{year}年第{n}批次征地补偿安置方案公告",
            "关于公布江川市征地区片综合地价标准的通知",
            "{place}{village}征地补偿登记结果公示",
        ],
    ),
    "crgg": (
        "tdly",
        "江土告",
        [
            "江川市国有建设用地使用权挂牌出让公告（{year}-{n:02d}号）",
            "江川市{place}地块国有建设用地使用权拍卖出让公告",
        ],
    ),
    "jggs": (
        "tdly",
        "",
        [
            "江川市国有建设用地使用权出让结果公示（{year}-{n:02d}号）",
            "{place}地块国有建设用地使用权划拨结果公示",
        ],
    ),
    "bdcdj": (
        "bdcdj",
        "",
        [
            "江川市不动产登记中心关于{place}{village}集体土地所有权首次登记的公告",
            "不动产权证书遗失作废公告（{year}年第{n}期）",
            "关于调整不动产登记窗口办公时间的公告",
        ],
    ),
    "kczy": (
        "kczy",
        "江国土资矿",
        [
            "江川市{place}建筑用石料矿采矿权出让公告",
            "关于{place}砂石矿采矿权延续登记的公示",
            "江川市{year}年度矿山地质环境治理恢复情况公告",
        ],
    ),
    "zfjc": (
        "zfjc",
        "",
        [
            "江川市{year}年第{n}季度土地违法案件查处情况通报",
            "江川市{year}年度卫片执法检查结果公告",
        ],
    ),
    "xzxk": (
        "ghk",
        "",
        [
            "建设用地规划许可证核发结果公示（{year}年第{n}批）",
            "乡村建设规划许可证核发结果公示（{year}年第{n}批）",
            "临时用地审批结果公示（{year}年第{n}批）",
        ],
    ),
    "xzcf": (
        "zfjc",
        "江国土资罚",
        [
            "江川市国土资源局行政处罚决定书（{place}非法占用土地案）",
            "江川市国土资源局行政处罚决定书（{place}无证采矿案）",
        ],
    ),
    "yjs": ("bgs", "", ["江川市国土资源局{year}年部门预算", "江川市国土资源局{year}年部门决算"]),
    "sfxm": ("bgs", "", ["江川市国土资源局行政事业性收费项目及标准（{year}年）"]),
    "rsxx": (
        "bgs",
        "",
        [
            "江川市国土资源局{year}年度公开招聘事业单位工作人员公告",
            "江川市国土资源局关于干部任前公示的公告",
        ],
    ),
    "zwdt": (
        "bgs",
        "",
        [
            "市国土资源局召开{year}年度党风廉政建设工作会议",
            "市国土资源局开展“{year}年全国土地日”主题宣传活动",
            "市国土资源局赴{place}调研耕地保护工作",
            "市国土资源局召开不动产登记“一窗受理”改革推进会",
            "市国土资源局部署汛期地质灾害防治工作",
            "市国土资源局开展国家宪法日普法宣传活动",
        ],
    ),
    "tzgg": (
        "bgs",
        "",
        [
            "关于{year}年国庆节期间不动产登记窗口安排的通知",
            "关于征求《江川市临时用地管理办法（征求意见稿）》意见的公告",
            "关于开展{year}年度土地变更调查工作的通知",
            "关于公布{year}年度政府信息公开工作联系人的通知",
        ],
    ),
    "xchd": (
        "bgs",
        "",
        [
            "第{n}个全国土地日宣传活动走进{place}",
            "“12·4”国家宪法日普法宣传进社区",
        ],
    ),
}

PARAGRAPHS = [
    "为贯彻落实《中华人民共和国土地管理法》及其实施条例，进一步规范土地管理秩序，结合本市实际，现将有关事项通知如下。",
    "各有关单位要高度重视，明确责任分工，加强统筹协调，确保各项工作按时保质完成。",
    "根据《中华人民共和国政府信息公开条例》的规定，现予以公开。公示期间，如有异议，请以书面形式向江川市国土资源局反映。",
    "土地征收涉及的被征地农村集体经济组织和农户，应当在公告规定期限内，持土地权属证明办理补偿登记。",
    "本方案自发布之日起施行，有效期五年。此前有关规定与本方案不一致的，以本方案为准。",
    "联系电话：0571-87061234；联系地址：江川市滨江区府前路88号国土资源大楼。",
]


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
    """Recreate the seeded columns if they are gone (a flushed test database)."""
    if not Category.objects.filter(slug="gkzn").exists():
        from django.apps import apps

        import_module("disclosure.migrations.0002_seed_categories").seed(apps, None)


def draw_item(rng, slugs, weights, now):
    """Return (column slug, publication time, 成文日期, title) of one demo item."""
    slug = rng.choices(slugs, weights)[0]
    titles = COLUMNS[slug][2]
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
    columns = {c.slug: c for c in Category.objects.all()}
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
    for _ in range(max(TARGET - Item.objects.count(), 0)):
        # A bureau does not issue the same title twice: draw again until the title is new.
        for _attempt in range(DRAWS):
            slug, published, written_on, title = draw_item(rng, slugs, weights, now)
            if title not in titles_used:
                break
        titles_used.add(title)
        code, prefix, _ = COLUMNS[slug]
        year = written_on.year
        document_number = ""
        if prefix:
            serials[(prefix, year)] = serials.get((prefix, year), 0) + 1
            document_number = f"{prefix}〔{year}〕{serials[(prefix, year)]}号"
        body = "".join(f"<p>{p}</p>" for p in rng.sample(PARAGRAPHS, 3))
        item = Item.objects.create(
            title=title,
            category=columns[slug],
            department=departments[code],
            written_on=written_on,
            document_number=document_number,
            keywords=" ".join(
                rng.sample(
                    ["土地", "征收", "不动产", "登记", "规划", "矿产", "耕地", "执法", "公告"], 2
                )
            ),
            summary=f"{title}。" + PARAGRAPHS[0][:60],
            body=body,
            source=departments[code].name,
            author=officer,
            created_at=published - timedelta(days=1),
        )
        if rng.random() < 0.12:
            ItemAttachment.objects.create(
                item=item,
                original_name=f"{title[:40]}.pdf",
                file=ContentFile(minimal_pdf(f"Attachment {item.pk}"), name="attachment.pdf"),
            )
        item.submit(by=officer, now=published - timedelta(hours=3))
        item.approve(by=reviewer, checklist=CHECKLIST, now=published)
        # Demo history: the row was written then, not today.
        Item.objects.filter(pk=item.pk).update(updated_at=published)
        created.append(item)
    if created:
        link_demo_items(rng)
    load_guide(columns["gkzn"], departments["bgs"], officer, reviewer)
    load_campaigns(columns["xchd"], departments["bgs"], officer, reviewer)
    load_extra(stdout=stdout)
    stdout.write(f"信息条目 {Item.objects.count()} 条（新增 {len(created)} 条）。")


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


GUIDE_BODY = """
<h2>一、主动公开</h2>
<p>（一）公开内容。本局主动公开机构职能、政策文件、规划计划、土地征收、土地供应、不动产登记、矿产资源、执法监察、行政许可、行政处罚、财政信息、人事信息等政府信息，具体见本网站“政务公开”栏目。</p>
<p>（二）公开方式。主动公开的政府信息通过本局门户网站、政府公报、新闻发布会以及国土资源大楼一楼政府信息公开查阅点等方式公开。</p>
<p>（三）公开时限。属于主动公开范围的政府信息，自该信息形成或者变更之日起20个工作日内予以公开。</p>
<h2>二、依申请公开</h2>
<p>公民、法人或者其他非政府组织可以向本局申请获取政府信息。申请人可以通过本网站在线提交申请，也可以当面、信函或者传真提交书面申请。</p>
<p>本局收到申请，能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过20个工作日。</p>
<h2>三、监督和救济</h2>
<p>公民、法人或者其他组织认为本局在政府信息公开工作中侵犯其合法权益的，可以向江川市人民政府政务公开办公室投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>
"""


def load_guide(column, department, officer, reviewer):
    """The 公开指南 text, published in its own column."""
    if Item.objects.filter(category=column).exists():
        return
    now = timezone.now()
    item = Item.objects.create(
        title="江川市国土资源局政府信息公开指南",
        category=column,
        department=department,
        written_on=timezone.localdate() - timedelta(days=30),
        summary="本局政府信息公开的范围、方式、程序和监督救济渠道。",
        body=GUIDE_BODY,
        author=officer,
        source="江川市国土资源局办公室",
    )
    item.submit(by=officer, now=now - timedelta(days=29))
    item.approve(by=reviewer, checklist=CHECKLIST, now=now - timedelta(days=28))
    Item.objects.filter(pk=item.pk).update(updated_at=now - timedelta(days=28))


CAMPAIGNS = [
    (
        "tdr",
        "全国土地日",
        "每年6月25日：节约集约用地，严守耕地红线",
        [
            "市国土资源局开展第{n}个全国土地日主题宣传活动",
            "{year}年全国土地日：走进{place}看耕地保护",
        ],
    ),
    (
        "xfr",
        "国家宪法日",
        "每年12月4日：尊崇宪法、学习宪法、遵守宪法",
        [
            "{year}年“12·4”国家宪法日普法宣传走进{place}",
            "市国土资源局组织干部职工开展{year}年宪法集中学习",
        ],
    ),
]


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
    for order, (slug, name, description, titles) in enumerate(CAMPAIGNS, start=1):
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


def load_extra(*, stdout):
    """Other demo modules of this app (one per concern), e.g. 依申请公开."""
    import disclosure

    if module_has_submodule(disclosure, "demo_requests"):
        import_module("disclosure.demo_requests").load_requests(stdout=stdout)
