"""Send due message reminders and escalations; for cron, e.g. every 10 minutes."""

from django.core.management.base import BaseCommand

from complaints.services import send_due_reminders


class Command(BaseCommand):
    help = "发送留言到期提醒（时限过75%）和超时督办（已到答复期限），可重复运行"

    def handle(self, *args, **options):
        result = send_due_reminders()
        self.stdout.write(f"已提醒 {result['reminded']} 条，已督办 {result['escalated']} 条。")
