"""Delete audit entries older than the retention period (settings.AUDIT_RETENTION_DAYS, ≥ 180)."""

from django.core.management.base import BaseCommand

from portal.models import AuditEntry


class Command(BaseCommand):
    help = "删除超过保存期限（至少 180 天）的安全审计日志"

    def handle(self, *args, **options):
        deleted, _ = AuditEntry.objects.expired().delete()
        self.stdout.write(f"已删除 {deleted} 条过期审计日志")
