from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.urls import reverse

from portal.models import SiteSettings
from services.models import ApprovalResult


class LatestResultsFeed(Feed):
    """RSS of the newest 办件公示 rows; person applicants masked as on the page."""

    description = "最新受理和办结的行政审批事项"

    def title(self):
        return f"{SiteSettings.load().site_name} · 办件公示"

    def link(self):
        return reverse("services:result-list")

    def items(self):
        return ApprovalResult.objects.for_list().latest()[:30]

    def item_title(self, result):
        late = "，已超期" if result.is_overdue() else ""
        return f"{result.guide.name}（{result.get_status_display()}{late}）"

    def item_description(self, result):
        parts = [
            f"受理编号：{result.tracking_number}",
            f"申请人：{result.public_applicant}",
            f"受理日期：{result.accepted_on:%Y-%m-%d}",
        ]
        if result.promised_on:
            parts.append(f"承诺办结日期：{result.promised_on:%Y-%m-%d}")
        if result.completed_on:
            parts.append(f"办结日期：{result.completed_on:%Y-%m-%d}")
        if result.result:
            parts.append(f"办理结果：{result.result}")
        if note := result.lateness_note():
            parts.append(note)
        return "；".join(parts)

    def item_link(self, result):
        return (
            reverse("services:result-lookup") + "?" + urlencode({"number": result.tracking_number})
        )

    def item_pubdate(self, result):
        return result.updated_at
