"""Report forms whose file is missing from storage and 网上办理 links that do not answer."""

from django.core.management.base import BaseCommand, CommandError

from services.services import find_broken_links


class Command(BaseCommand):
    help = "检查办事指南的表格文件是否存在、网上办理链接能否访问"

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=5, help="每个链接的超时秒数")
        parser.add_argument(
            "--skip-online", action="store_true", help="只检查表格文件，不访问网上办理链接"
        )

    def handle(self, *args, timeout, skip_online, **options):
        broken = find_broken_links(timeout=timeout, check_online=not skip_online)
        for guide, what, target, problem in broken:
            self.stdout.write(f"[{guide.code}] {guide.name}：{what} {target} —— {problem}")
        if broken:
            raise CommandError(f"发现 {len(broken)} 处失效的表格或链接")
        self.stdout.write(self.style.SUCCESS("全部表格文件和网上办理链接均正常"))
