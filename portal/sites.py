"""The admin site: the bureau's back office, with its name in the header and title."""

from django.contrib import admin

from .models import SiteSettings


class PortalAdminSite(admin.AdminSite):
    """The admin with the bureau's name in its header and title."""

    index_title = "工作台"
    site_url = "/"

    def each_context(self, request):
        context = super().each_context(request)
        site = SiteSettings.load()
        context["site_header"] = f"{site.bureau_name} · 政务公开管理平台"
        context["site_title"] = f"{site.site_name}管理平台"
        return context
