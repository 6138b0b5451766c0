"""Rebuild the search index from every searchable model's public rows, in batches."""

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import search
from portal.models import SearchEntry


class Command(BaseCommand):
    help = "重建全文检索索引（分批处理，显示进度）"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size, **options):
        for model in search.searchable_models():
            rows = model.search_rows().order_by("pk")
            total = rows.count()
            label = model._meta.verbose_name
            self.stdout.write(f"{label}：{total} 条")
            done, last_pk = 0, 0
            while True:
                batch = list(rows.filter(pk__gt=last_pk)[:batch_size])
                if not batch:
                    break
                entries = []
                for row in batch:
                    document = row.search_document()
                    entries.append(search.build_entry(key=search.document_key(row), **document))
                with transaction.atomic():
                    SearchEntry.objects.filter(key__in=[e.key for e in entries]).delete()
                    SearchEntry.objects.bulk_create(entries)
                done += len(batch)
                last_pk = batch[-1].pk
                self.stdout.write(
                    f"\r  {done}/{total}（{done * 100 // max(total, 1)}%）", ending=""
                )
                self.stdout.flush()
            self.stdout.write("")
            stale = SearchEntry.objects.filter(key__startswith=f"{model._meta.label_lower}:")
            stale = stale.exclude(
                key__in=[
                    f"{model._meta.label_lower}:{pk}"
                    for pk in model.search_rows().values_list("pk", flat=True)
                ]
            )
            self.stdout.write(f"  删除过期索引 {stale.delete()[0]} 条")
            search.index_changed()
