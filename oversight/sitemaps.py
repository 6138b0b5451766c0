"""Sitemap section of the public 政务公开工作 page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class OversightPageSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["oversight:index"]

    def location(self, item):
        return reverse(item)
