"""Verify the audit log's hash chain (portal.audit_chain) from the last prune anchor.

Exit status 0 and the count verified when the chain holds; otherwise the first broken link
(entry id and time) and exit status 1. The head printed on success is worth keeping outside
the database: the chain alone cannot show entries cut off at the newest end.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.models import AuditEntry


class Command(BaseCommand):
    help = "校验安全审计日志的哈希链，报告第一处断链"

    def handle(self, *args, **options):
        count, broken = AuditEntry.objects.verify_chain()
        if broken is not None:
            at = timezone.localtime(broken.at).strftime("%Y-%m-%d %H:%M:%S")
            raise CommandError(
                f"审计日志校验失败：第一处断链在第 {broken.pk} 条记录（{at}，"
                f"{broken.get_kind_display()} {broken.username}）；此前 {count} 条校验通过"
            )
        head = AuditEntry.objects.order_by("-pk").values_list("pk", "hash").first()
        if head is None:
            self.stdout.write("审计日志校验通过：共 0 条记录")
            return
        self.stdout.write(
            f"审计日志校验通过：共 {count} 条记录，链尾第 {head[0]} 条，校验值 {head[1]}"
        )
