"""Sitemap sections of the 政务公开 catalog (portal.sitemaps pages them by id range)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from disclosure.models import AnnualReport, Category, Item
from portal.sitemaps import ModelSitemap


class DisclosurePageSitemap(Sitemap):
    """The catalog's own pages: landing, guide, catalog, 标准目录, requests, annual reports."""

    changefreq = "weekly"
    url_names = [
        "disclosure:index",
        "disclosure:guide",
        "disclosure:catalog",
        "disclosure:standard-catalog",
        "disclosure:request-form",
        "disclosure:request-lookup",
        "disclosure:annual-report-list",
    ]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


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
