"""Generate many realistic published items (for the benchmark and scale tests).

Titles and bodies are composed from a land bureau's vocabulary over ten years of dates, spread over
the columns and departments; every item gets its 索引号 and its search index entry. Rows are
inserted with bulk_create in batches, so a million items take minutes, not hours.
"""

import random
import sys
import time
from datetime import datetime, timedelta
from datetime import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from disclosure.demo import COLUMNS, PARAGRAPHS, PLACES, VILLAGES, ensure_columns, fill_title
from disclosure.models import Category, IndexCounter, Item
from portal import search
from portal.models import Department, SearchEntry, SiteSettings

EXTRA_PARAGRAPHS = [
    "征收范围涉及{place}{village}集体土地，用途为城市基础设施建设和公共服务设施建设。",
    "被征收土地的所有权人、使用权人应当在公告规定期限内，持不动产权属证明材料办理补偿登记。",
    "本次出让地块位于{place}，土地用途为住宅用地，出让年限七十年，竞买保证金按规定缴纳。",
    "经调查核实，当事人未经批准擅自占用{place}{village}集体土地建设厂房，违反了土地管理法的规定。",
    "申请人应当提交不动产登记申请书、身份证明、不动产权属来源证明材料等申请材料。",
    "各乡镇（街道）要严格落实耕地保护目标责任，坚决遏制耕地“非农化”，防止耕地“非粮化”。",
    "采矿权人应当按照批准的矿产资源开发利用方案开采，履行矿山地质环境保护与土地复垦义务。",
    "请有关单位和个人在公示期内通过来信、来电等方式反映意见，逾期视为无异议。",
]


class Command(BaseCommand):
    help = "批量生成已发布的信息条目（用于压力测试和性能基准），含索引号和检索索引"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="要生成的条数")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=20261125)

    def handle(self, *args, count, batch_size, seed, **options):
        if count <= 0:
            raise CommandError("--count 必须大于 0")
        ensure_columns()
        departments = {d.code: d for d in Department.objects.all()}
        if not departments:
            raise CommandError("没有科室数据：请先运行 manage.py load_demo")
        fallback = next(iter(departments.values()))
        drawn = [slug for slug, (_, _, titles) in COLUMNS.items() if titles]  # 解读 are not drawn
        columns = {c.slug: c for c in Category.objects.filter(slug__in=drawn)}
        org_code = SiteSettings.load().org_code
        rng = random.Random(seed + Item.objects.count())
        # Segment the paragraph vocabulary once: a body's words are its paragraphs' words.
        paragraphs = [
            p.format(place=place, village=village)
            for p in PARAGRAPHS + EXTRA_PARAGRAPHS
            for place, village in zip(PLACES, VILLAGES, strict=False)
        ]
        paragraph_words = [search.segment(p) for p in paragraphs]
        now = timezone.now()
        started, done = time.monotonic(), 0
        while done < count:
            size = min(batch_size, count - done)
            items, bodies = [], []
            for _ in range(size):
                slug = rng.choice(list(columns))
                code, prefix, titles = COLUMNS[slug]
                published = now - timedelta(days=rng.randint(0, 3650), minutes=rng.randint(0, 600))
                local = timezone.localtime(published)
                written_on = local.date() - timedelta(days=rng.randint(1, 15))
                title = fill_title(rng, rng.choice(titles), written_on)
                chosen = rng.sample(range(len(paragraphs)), 3)
                bodies.append(chosen)
                items.append(
                    Item(
                        title=title,
                        category=columns[slug],
                        department=departments.get(code, fallback),
                        written_on=written_on,
                        document_number=(
                            f"{prefix}〔{written_on.year}〕{rng.randint(1, 300)}号"
                            if prefix
                            else ""
                        ),
                        summary=title,
                        body="".join(f"<p>{paragraphs[i]}</p>" for i in chosen),
                        status=Item.Status.PUBLISHED,
                        published_at=timezone.make_aware(
                            datetime.combine(
                                local.date(), clock(rng.randint(8, 18), rng.randint(0, 59))
                            )
                        ),
                        submitted_at=published - timedelta(hours=2),
                        reviewed_at=published,
                        created_at=published - timedelta(days=1),
                        source=departments.get(code, fallback).name,
                    )
                )
            with transaction.atomic():
                self.number(items, org_code)
                Item.objects.bulk_create(items, batch_size=1000)
                SearchEntry.objects.bulk_create(
                    [
                        self.entry(item, chosen, paragraphs, paragraph_words)
                        for item, chosen in zip(items, bodies, strict=True)
                    ],
                    batch_size=1000,
                )
            done += size
            rate = done / max(time.monotonic() - started, 0.001)
            sys.stdout.write(
                f"\r已生成 {done}/{count}（{done * 100 // count}%），每秒 {rate:.0f} 条"
            )
            sys.stdout.flush()
        self.lay_out_by_date()
        search.index_changed()
        self.stdout.write(f"\n完成：共 {Item.objects.count()} 条信息。")

    def lay_out_by_date(self):
        """Store the search index in publication order, as a live site's index is.

        A live index gains its entries as items are published, so on disk they lie in date order,
        which the newest-first search window reads page by page. Generated items have random
        dates; on PostgreSQL, CLUSTER gives their entries the live layout.
        """
        if connection.vendor != "postgresql":
            return
        self.stdout.write("\n按发布日期整理检索表……")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'portal_searchentry' "
                "AND indexdef LIKE %s",
                ["%(published_at)"],
            )
            (index,) = cursor.fetchone()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # inside a transaction (tests)
            cursor.execute(f'CLUSTER portal_searchentry USING "{index}"')
            # Fresh statistics at once: before autovacuum gets to it, the planner took the public
            # items for one row and read every item to find an item's 解读 links (24 ms, not 0.5).
            cursor.execute(
                "ANALYZE portal_searchentry, disclosure_item, disclosure_item_interprets"
            )

    @staticmethod
    def number(items, org_code):
        """Give the batch 索引号 from the yearly counters, as publication would."""
        by_year = {}
        for item in sorted(items, key=lambda i: i.published_at):
            by_year.setdefault(timezone.localtime(item.published_at).year, []).append(item)
        for year, batch in by_year.items():
            IndexCounter.objects.bulk_create([IndexCounter(year=year)], ignore_conflicts=True)
            counter = IndexCounter.objects.select_for_update().get(year=year)
            for item in batch:
                counter.last += 1
                item.index_number = f"{org_code}/{year}-{counter.last:05d}"
            counter.save(update_fields=["last"])

    @staticmethod
    def entry(item, chosen, paragraphs, paragraph_words):
        text = " ".join(paragraphs[i] for i in chosen)
        title_words = search.segment(item.title)
        return SearchEntry(
            key=f"disclosure.item:{item.pk}",
            kind="政府信息",
            title=item.title,
            url=item.get_absolute_url(),
            column=item.category.name,
            department_id=item.department_id,
            published_at=item.published_at,
            body=text[:2000],
            title_terms=title_words,
            search_text=" ".join(
                [
                    title_words,
                    search.segment(item.document_number),
                    *(paragraph_words[i] for i in chosen),
                ]
            ),
        )
