from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("jggk/", views.organisation, name="organisation"),
    path("wzdt/", views.site_map, name="site-map"),
    path("search/", views.search, name="search"),
    path("wza/", views.accessibility, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("zwgk/", include("disclosure.urls")),
    path("bsfw/", include("services.urls")),
    path("zmhd/", include("complaints.urls")),
    path("gzjd/", include("oversight.urls")),
    path("", include("api.urls")),  # 开放数据: /api/v1/ (docs: /api/v1/docs) and /kfsj/
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
