"""Sitemap sections of 办事服务 (portal.sitemaps pages them by id range)."""

from portal.sitemaps import ModelSitemap, SectionSitemap
from services.models import ServiceGuide, ServiceTheme


class ServicePageSitemap(SectionSitemap):
    """办事服务's own pages (the 网站地图 adds the themes and their guides below them)."""

    key = "services"
    title = "办事服务"
    url_name = "services:index"
    changefreq = "daily"
    pages = [
        ("services:index", "办事服务"),
        ("services:result-list", "办件公示"),
        ("services:result-lookup", "办件查询"),
        ("services:result-rate", "办件评价（好差评）"),
        ("services:rating-lookup", "评价与整改查询"),
        ("services:rating-figures", "好差评统计"),
    ]


class ServiceThemeSitemap(ModelSitemap):
    changefreq = "weekly"

    def items(self):
        return ServiceTheme.objects.visible().only("pk", "slug")


class ServiceGuideSitemap(ModelSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return ServiceGuide.objects.public().only("pk", "updated_at")
