"""Recompute the stored 预估 deadlines on the working-day calendar as it now stands."""

from django.core.management.base import BaseCommand

from portal import workdays


class Command(BaseCommand):
    help = "工作日历录入或修改后，按正式日历重新确定所有预估的期限（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行（db_worker），不在此处运行"
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            from portal.tasks import settle_provisional_deadlines

            settle_provisional_deadlines.enqueue()
            self.stdout.write("已交给后台任务重新确定预估期限。")
            return
        changed = workdays.settle_provisional_deadlines()
        for label, count in changed.items():
            self.stdout.write(f"{label}：{count} 件期限按正式日历调整")
