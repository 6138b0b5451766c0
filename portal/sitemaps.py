"""Sitemaps (sitemaps.org) for search engines and the inspection crawlers.

`/sitemap.xml` is an index of sections (one per kind of public page, each app declaring its own
in `<app>/sitemaps.py`); each section is paged by primary-key range: page n lists the rows whose
id lies in ((n-1)·PAGE_SIZE, n·PAGE_SIZE]. So neither the index nor a page counts the rows or
skips over them with OFFSET: the index asks each section for its highest id and latest change
(two index lookups), a page reads at most PAGE_SIZE rows through the primary key. A page may
hold fewer rows than PAGE_SIZE where ids were left by unpublished rows, which the protocol allows.
The answers are cached with the site's content version (portal.pagecache).
"""

import math
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse

PAGE_SIZE = 5000  # rows per sitemap page (the protocol allows 50,000)


class RangePaginator:
    """Pages of a QuerySet by primary-key range, the part of Paginator that Sitemap uses."""

    def __init__(self, queryset, per_page):
        self.queryset, self.per_page = queryset, per_page

    @property
    def num_pages(self):
        highest = self.queryset.order_by().aggregate(highest=Max("pk"))["highest"] or 0
        return max(math.ceil(highest / self.per_page), 1)

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("页码不是整数") from error
        if number < 1:
            raise EmptyPage("页码小于1")
        if number > 1 and number > self.num_pages:
            raise EmptyPage("没有这一页")
        start = (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gt=start, pk__lte=start + self.per_page).order_by("pk")
        return SimpleNamespace(number=number, object_list=rows)


class ModelSitemap(Sitemap):
    """A section of the public rows of one model: items() returns the model's public QuerySet
    (its own named method, never a filter written here); lastmod_field names the row's date."""

    limit = PAGE_SIZE
    lastmod_field = None

    @property
    def paginator(self):
        return RangePaginator(self.items(), self.limit)

    def lastmod(self, item):
        return getattr(item, self.lastmod_field) if self.lastmod_field else None

    def get_latest_lastmod(self):
        if not self.lastmod_field:
            return None
        return self.items().order_by().aggregate(latest=Max(self.lastmod_field))["latest"]


class SectionSitemap(Sitemap):
    """A section of the site's fixed pages, as (URL name, title) pairs: listed in /sitemap.xml
    and, with its title, as one block of the 网站地图 page (portal.views.site_map). A new page is
    added here once and appears in both."""

    changefreq = "weekly"
    key = ""  # names the block on the 网站地图 page, where a section may add its tree
    title = ""
    url_name = ""
    pages = []

    def items(self):
        return [name for name, _ in self.pages]

    def location(self, item):
        return reverse(item)

    def links(self):
        """Return [(title, url)] of the section's pages, for the 网站地图."""
        return [(title, reverse(name)) for name, title in self.pages]


class PageSitemap(SectionSitemap):
    """The site-wide pages of portal itself."""

    key = "about"
    title = "机构概况"
    url_name = "organisation"
    pages = [
        ("home", "首页"),
        ("organisation", "机构概况"),
        ("site-map", "网站地图"),
        ("accessibility", "无障碍说明"),
        ("api:open-data", "开放数据"),
    ]
