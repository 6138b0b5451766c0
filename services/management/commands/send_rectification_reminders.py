"""Send due 差评整改 reminders and escalations; for cron, e.g. every morning.

With --enqueue the same sweep (services.tasks.send_rectification_reminders) goes to the db_worker.
"""

from django.core.management.base import BaseCommand

from portal import staff_notices
from services.services import send_rectification_reminders
from services.tasks import send_rectification_reminders as sweep_task


class Command(BaseCommand):
    help = "发送差评整改到期提醒（到期前5个工作日）和超期督办，可重复运行"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列（db_worker）执行，而不是立即执行"
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = sweep_task.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        result = send_rectification_reminders()
        self.stdout.write(
            f"已提醒 {result['reminded']} 件，已督办 {result['escalated']} 件；"
            f"{staff_notices.summary(result['mail'])}。"
        )
