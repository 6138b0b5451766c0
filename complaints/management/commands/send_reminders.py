"""Send due message reminders and escalations; for cron, e.g. every 10 minutes.

django.tasks has no scheduler: cron runs this command, which either sweeps at once or, with
--enqueue, hands the same sweep (complaints.tasks.send_reminders) to the db_worker.
"""

from django.core.management.base import BaseCommand

from complaints.services import send_due_reminders
from complaints.tasks import send_reminders
from portal import staff_notices


class Command(BaseCommand):
    help = "发送留言到期提醒（时限过75%）和超时督办（已到答复期限），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列（db_worker）执行，而不是立即执行"
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = send_reminders.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        result = send_due_reminders()
        self.stdout.write(
            f"已提醒 {result['reminded']} 条，已督办 {result['escalated']} 条；"
            f"{staff_notices.summary(result['mail'])}。"
        )
