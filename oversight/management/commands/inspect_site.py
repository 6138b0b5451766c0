"""Run the self-inspection (网站自查); for cron, e.g. each night."""

from django.core.management.base import BaseCommand

from oversight import inspection, tasks


class Command(BaseCommand):
    help = "按国办秘函〔2019〕19号检查指标自查网站（单项否决、扣分、预警），结果见后台“网站自查”"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务进程（db_worker）执行"
        )
        parser.add_argument("--limit", type=int, help="本次最多检查的页面和附件数")

    def handle(self, *args, **options):
        if options["enqueue"]:
            tasks.inspect_site.enqueue()
            self.stdout.write("已提交网站自查任务")
            return
        run = inspection.run_inspection(limit=options["limit"])
        self.stdout.write(
            f"网站自查完成：检查页面{run.page_count}个、附件{run.attachment_count}个；"
            f"单项否决{run.veto_count}项，扣分{run.deducted_points}分，预警{run.warning_count}项；"
            f"结果：{run.result_label()}"
        )
        for finding in run.findings.most_urgent_first():
            self.stdout.write(f"  {finding}")
