"""Erase the personal contact data of cases closed more than PII_RETENTION_YEARS ago (daily)."""

from django.core.management.base import BaseCommand

from portal.personal_data import erase_expired, expired_querysets, retention_cutoff


class Command(BaseCommand):
    help = (
        "删除办结超过保存期限（PII_RETENTION_YEARS 年）的案件中的个人联系信息，案件和统计数据保留"
    )

    def handle(self, *args, **options):
        cutoff = retention_cutoff()
        counts = erase_expired(expired_querysets(cutoff=cutoff), cutoff=cutoff)
        for name, count in counts.items():
            self.stdout.write(f"{name}：删除 {count} 件的个人信息")
