"""Send again the notices to citizens that failed; for cron, e.g. every 10 minutes.

django.tasks has no scheduler: cron runs this command, which either retries at once or, with
--enqueue, hands the same sweep (portal.tasks.retry_citizen_notices) to the db_worker.
"""

from django.core.management.base import BaseCommand

from portal.notify import retry_failed_notices
from portal.tasks import retry_citizen_notices


class Command(BaseCommand):
    help = "重新发送发送失败的群众通知（短信、邮件），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列（db_worker）执行，而不是立即执行"
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = retry_citizen_notices.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        counts = retry_failed_notices()
        self.stdout.write(f"重发成功 {counts['sent']} 条，仍失败 {counts['failed']} 条。")
