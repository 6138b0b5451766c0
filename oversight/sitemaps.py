"""Sitemap sections of the public 工作监督 pages and the 政府网站工作年度报表."""

from portal.sitemaps import ModelSitemap, SectionSitemap

from .models import WebsiteReport


class OversightPageSitemap(SectionSitemap):
    key = "oversight"
    title = "工作监督"
    url_name = "oversight:index"
    pages = [
        ("oversight:index", "政务公开工作"),
        ("oversight:website-report-list", "政府网站工作年度报表"),
    ]


class WebsiteReportSitemap(ModelSitemap):
    def items(self):
        return WebsiteReport.objects.published().only("pk", "year")
