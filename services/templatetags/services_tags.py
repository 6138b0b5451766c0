"""办事服务 blocks that other pages show: the homepage section and the lobby screens' news."""

from django import template

from portal.pagecache import SERVICES, depends_on
from services.forms import ResultLookupForm
from services.models import ServiceGuide, ServiceTheme
from services.services import latest_news

register = template.Library()


@register.inclusion_tag("services/_home_section.html")
def services_home(count=8):
    """热门事项 and the 办件查询 box for the homepage."""
    depends_on(SERVICES)
    return {
        "guides": ServiceGuide.objects.published().for_list().popular()[:count],
        "lookup_form": ResultLookupForm(auto_id="home_%s"),
    }


@register.inclusion_tag("services/kiosk/_news.html")
def kiosk_news(count=6):
    """The newest public catalog items (政务信息), or nothing when the catalog is missing."""
    return {"news": latest_news(count=count)}


@register.inclusion_tag("services/_theme_map.html")
def theme_map():
    """The visible themes, each with its published guides (for the site map): two queries."""
    guides = list(ServiceGuide.objects.published().for_list().alphabetical())
    return {
        "themes": [
            (theme, [guide for guide in guides if guide.theme_id == theme.pk])
            for theme in ServiceTheme.objects.visible()
        ]
    }
