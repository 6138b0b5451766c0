from django.core.management.base import BaseCommand

from oversight import services


class Command(BaseCommand):
    help = "提醒栏目 3 天内将超期的责任科室（每个栏目每期只提醒一次，可重复运行）"

    def handle(self, *args, **options):
        sent = services.warn_stale_columns()
        self.stdout.write(f"已提醒 {sent} 个栏目的责任科室")
