"""Mail again the staff notices whose mail has not gone out; for cron, e.g. every 10 minutes.

The reminder sweeps retry their own reminders on each run; this covers every other notice
(submitted, returned, approved, assigned …). With --enqueue the same sweep
(portal.tasks.retry_staff_notices) goes to the db_worker.
"""

from django.core.management.base import BaseCommand

from portal import staff_notices
from portal.tasks import retry_staff_notices


class Command(BaseCommand):
    help = "重新发送未送达的工作通知邮件（未填邮箱的账号补填后即可送达），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列（db_worker）执行，而不是立即执行"
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = retry_staff_notices.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        self.stdout.write(f"{staff_notices.summary(staff_notices.deliver_due())}。")
