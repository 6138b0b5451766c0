"""Fill the working-day calendar from chinesecalendar; run after upgrading that package."""

from django.core.management.base import BaseCommand

from portal import workdays
from portal.models import WorkCalendarDay


class Command(BaseCommand):
    help = "从 chinesecalendar 补充工作日历（已有日期不覆盖，可重复运行）"

    def handle(self, *args, **options):
        years = workdays.seed_calendar(WorkCalendarDay)
        workdays.clear_cache(years)
        if years:
            self.stdout.write(f"工作日历：已补充 {years[0]}—{years[-1]} 年的节假日和调休安排。")
            settled = sum(workdays.settle_provisional_deadlines().values())
            self.stdout.write(f"按正式日历重新确定了 {settled} 件事项的预估期限。")
        else:
            self.stdout.write("工作日历：没有需要补充的日期。")
        missing = WorkCalendarDay.objects.missing_next_year()
        if missing:
            self.stdout.write(
                self.style.WARNING(
                    f"{missing} 年工作日历尚无数据，请在国务院办公厅通知发布后录入。"
                )
            )
