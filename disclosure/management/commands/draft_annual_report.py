"""Open last year's annual report as a draft in January; for cron, e.g. each morning."""

from django.core.management.base import BaseCommand

from disclosure.services import draft_annual_report


class Command(BaseCommand):
    help = "每年1月生成上一年度政府信息公开工作年度报告草稿并通知政务公开办，可重复运行"

    def handle(self, *args, **options):
        report = draft_annual_report()
        if report is None:
            self.stdout.write("无需生成（不在1月，或上一年度报告已存在）。")
        else:
            self.stdout.write(f"已生成{report}草稿，并通知政务公开办于1月31日前发布。")
