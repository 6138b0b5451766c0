"""Delete audit entries older than the retention period (settings.AUDIT_RETENTION_DAYS, ≥ 180).

The hash of the last deleted entry is kept as the chain's anchor, so verify_audit_log still
verifies what remains (AuditEntryQuerySet.prune; on PostgreSQL the database function
portal_prune_audit, the only way past the append-only trigger).
"""

from django.core.management.base import BaseCommand

from portal.models import AuditEntry


class Command(BaseCommand):
    help = "删除超过保存期限（至少 180 天）的安全审计日志，并记录校验链的锚点"

    def handle(self, *args, **options):
        deleted = AuditEntry.objects.prune()
        self.stdout.write(f"已删除 {deleted} 条过期审计日志")
