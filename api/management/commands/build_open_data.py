"""Build the 开放数据 bulk downloads now; for cron, daily (the task does the same)."""

from django.core.management.base import BaseCommand, CommandError

from api import opendata
from api.tasks import build_open_data


class Command(BaseCommand):
    help = "生成开放数据批量下载文件（各栏目信息、办事指南、办件公示的 CSV 和 JSON Lines）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列（db_worker）执行，而不是立即执行"
        )
        parser.add_argument("--dataset", help="只生成一个数据集，如 items-gfxwj、guides")

    def handle(self, *args, enqueue=False, dataset=None, **options):
        if enqueue:
            result = build_open_data.enqueue()
            self.stdout.write(f"已加入任务队列：{result.id}")
            return
        if dataset:
            found = opendata.datasets().get(dataset)
            if found is None:
                raise CommandError(f"没有这个数据集：{dataset}")
            opendata.build_dataset(found)
            names = [dataset]
        else:
            names = opendata.build_all()
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {len(names)} 个数据集：{opendata.open_data_dir()}")
        )
