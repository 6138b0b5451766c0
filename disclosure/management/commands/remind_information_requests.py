"""Remind and escalate 依申请公开 deadlines, lapse missed 补正; for cron, e.g. each morning."""

from django.core.management.base import BaseCommand

from disclosure.services import send_request_reminders
from portal import staff_notices


class Command(BaseCommand):
    help = "依申请公开到期提醒（不足5个工作日）、超期督办和逾期未补正处理，可重复运行"

    def handle(self, *args, **options):
        result = send_request_reminders()
        self.stdout.write(
            f"已提醒 {result['reminded']} 件，已督办 {result['escalated']} 件，"
            f"逾期未补正视为撤回 {result['lapsed']} 件；{staff_notices.summary(result['mail'])}。"
        )
