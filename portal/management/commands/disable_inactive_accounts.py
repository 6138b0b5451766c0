"""Disable staff accounts that nobody has used for settings.STAFF_INACTIVE_DAYS (等保: no dormant
accounts). Run daily from cron or as the task portal.tasks.disable_inactive_accounts."""

from django.core.management.base import BaseCommand

from portal.models import User


class Command(BaseCommand):
    help = "停用超过规定天数未登录的工作人员账号（STAFF_INACTIVE_DAYS），并记入安全审计日志。"

    def handle(self, *args, **options):
        disabled = 0
        for user in User.objects.unused():
            user.disable_as_unused()
            disabled += 1
            self.stdout.write(f"已停用：{user.username}（{user}）")
        self.stdout.write(f"共停用 {disabled} 个长期未登录的账号。")
