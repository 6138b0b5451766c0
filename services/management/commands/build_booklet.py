"""Build the 《行政审批服务指南》 PDF now (the background job does the same after each change)."""

from django.core.management.base import BaseCommand

from services.booklet import build_booklet


class Command(BaseCommand):
    help = "生成《行政审批服务指南》PDF（全部已发布的办事指南）"

    def handle(self, *args, **options):
        path = build_booklet()
        self.stdout.write(self.style.SUCCESS(f"已生成：{path}（{path.stat().st_size // 1024} KB）"))
