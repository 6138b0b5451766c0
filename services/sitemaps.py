"""Sitemap sections of 办事服务 (portal.sitemaps pages them by id range)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.sitemaps import ModelSitemap
from services.models import ServiceGuide, ServiceTheme


class ServicePageSitemap(Sitemap):
    """办事服务's own pages: the landing page and 办件公示."""

    changefreq = "daily"
    url_names = ["services:index", "services:result-list", "services:result-lookup"]

    def items(self):
        return self.url_names

    def location(self, item):
        return reverse(item)


class ServiceThemeSitemap(ModelSitemap):
    changefreq = "weekly"

    def items(self):
        return ServiceTheme.objects.visible().only("pk", "slug")


class ServiceGuideSitemap(ModelSitemap):
    lastmod_field = "updated_at"

    def items(self):
        return ServiceGuide.objects.public().only("pk", "updated_at")
