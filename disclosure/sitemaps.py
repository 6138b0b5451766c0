"""Sitemap sections of the 政务公开 catalog (portal.sitemaps pages them by id range)."""

from disclosure.models import AnnualReport, Category, Item
from portal.sitemaps import ModelSitemap, SectionSitemap


class DisclosurePageSitemap(SectionSitemap):
    """The catalog's own pages (the 网站地图 adds the column tree below them)."""

    key = "disclosure"
    title = "政务公开"
    url_name = "disclosure:index"
    pages = [
        ("disclosure:index", "政务公开"),
        ("disclosure:guide", "政府信息公开指南"),
        ("disclosure:catalog", "政府信息公开目录"),
        ("disclosure:standard-catalog", "政务公开标准目录"),
        ("disclosure:request-form", "依申请公开"),
        ("disclosure:request-lookup", "依申请公开办理查询"),
        ("disclosure:annual-report-list", "政府信息公开工作年度报告"),
    ]


class CategorySitemap(ModelSitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.visible().only("pk", "slug")


class ItemSitemap(ModelSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return Item.objects.public().only("pk", "updated_at")


class AnnualReportSitemap(ModelSitemap):
    def items(self):
        return AnnualReport.objects.published().only("pk", "year")
