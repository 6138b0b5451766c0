"""Scan everything published for 错敏字 and spam, and record the findings for admin review.

Every model that declares `public_text_fields` is scanned over its public rows
(`content_safety.public_rows()`), reading the same fields as submission and approval do, and
the text of the row's attachments (Excel, Word, PDF), each finding naming its sheet and cell or
page.
A row's unresolved findings are replaced by the current ones; a finding the office marked as
resolved is not raised again for the same place.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from portal import content_safety
from portal.models import ContentFinding


class Command(BaseCommand):
    help = "扫描所有已发布内容的错敏字和违规内容，结果记入“内容安全检查结果”"

    def handle(self, *args, **options):
        now = timezone.now()
        total = rows = 0
        for model in content_safety.public_text_models():
            content_type = ContentType.objects.get_for_model(model)
            published = content_safety.public_rows(model).order_by("pk")
            last_pk = None
            while batch := list(
                (published if last_pk is None else published.filter(pk__gt=last_pk))[:500]
            ):
                for obj in batch:
                    rows += 1
                    total += record_findings(obj, content_type, now)
                last_pk = batch[-1].pk
        self.stdout.write(f"已扫描 {rows} 条已发布内容，记录 {total} 处问题")


@transaction.atomic
def record_findings(obj, content_type, now):
    """Replace the unresolved findings of one row by its current ones; return how many."""
    existing = ContentFinding.objects.filter(content_type=content_type, object_id=str(obj.pk))
    existing.unresolved().delete()
    resolved = set(existing.values_list("field", "matched", "position"))
    title = str(obj)[:200]
    found = content_safety.scan_object(obj)
    for attachment in content_safety.attachments_of(obj):
        found += content_safety.scan_attachment(attachment)
    findings = [
        ContentFinding(
            content_type=content_type,
            object_id=str(obj.pk),
            object_title=title,
            field=f.field_label or f.field,
            term=f.term[:200],
            category=f.category,
            severity=f.severity,
            matched=f.matched[:200],
            suggestion=f.suggestion[:200],
            position=f.start,
            line=f.line,
            column=f.column,
            context=f.context[:300],
            location=f.location[:120],
            found_at=now,
        )
        for f in found
        if (f.field_label or f.field, f.matched[:200], f.start) not in resolved
    ]
    ContentFinding.objects.bulk_create(findings)
    return len(findings)
