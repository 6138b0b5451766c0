"""Sitemap section of the public 工作监督 pages."""

from portal.sitemaps import SectionSitemap


class OversightPageSitemap(SectionSitemap):
    key = "oversight"
    title = "工作监督"
    url_name = "oversight:index"
    pages = [("oversight:index", "政务公开工作")]
