"""考核监督 blocks that other pages (the homepage) show."""

from django import template

from oversight.models import WebsiteReport

register = template.Library()


@register.inclusion_tag("oversight/_website_reports.html")
def website_reports(count=3):
    """政府网站工作年度报表: the newest published years, linked from the homepage."""
    return {"reports": list(WebsiteReport.objects.published()[:count])}
