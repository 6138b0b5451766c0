from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from complaints.sitemaps import (
    ConsultationSitemap,
    EvaluationResultsSitemap,
    EvaluationSitemap,
    InteractionPageSitemap,
    MessageSitemap,
)
from disclosure.sitemaps import (
    AnnualReportSitemap,
    CategorySitemap,
    DisclosurePageSitemap,
    ItemSitemap,
)
from oversight.sitemaps import OversightPageSitemap, WebsiteReportSitemap
from services.sitemaps import ServiceGuideSitemap, ServicePageSitemap, ServiceThemeSitemap

from . import views
from .sitemaps import PageSitemap

# The sections of /sitemap.xml: the root URLconf wires the apps' sections together.
SITEMAPS = {
    "pages": PageSitemap,
    "disclosure": DisclosurePageSitemap,
    "columns": CategorySitemap,
    "items": ItemSitemap,
    "annual-reports": AnnualReportSitemap,
    "services": ServicePageSitemap,
    "themes": ServiceThemeSitemap,
    "guides": ServiceGuideSitemap,
    "interaction": InteractionPageSitemap,
    "messages": MessageSitemap,
    "consultations": ConsultationSitemap,
    "evaluations": EvaluationSitemap,
    "evaluation-results": EvaluationResultsSitemap,
    "oversight": OversightPageSitemap,
    "website-reports": WebsiteReportSitemap,
}

urlpatterns = [
    path("", views.home, name="home"),
    path("sitemap.xml", views.sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        views.sitemap_section,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("jggk/", views.organisation, name="organisation"),
    path("wzdt/", views.site_map, {"sitemaps": SITEMAPS}, name="site-map"),
    path("search/", views.search, name="search"),
    path("wza/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("zwgk/", include("disclosure.urls")),
    path("bsfw/", include("services.urls")),
    path("zmhd/", include("complaints.urls")),
    path("gzjd/", include("oversight.urls")),
    path("", include("api.urls")),  # 开放数据: /api/v1/ (docs: /api/v1/docs) and /kfsj/
    path("captcha/challenge/", views.captcha_challenge, name="captcha-challenge"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
