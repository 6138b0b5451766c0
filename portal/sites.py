"""The admin site: the bureau's back office, with its name in the header and title."""

from django.contrib import admin
from django.views.i18n import JavaScriptCatalog

from . import roles
from .forms import StaffLoginForm
from .models import SiteSettings, StaffNotice
from .richtext import EDITOR_LABELS

# What Django's zh-hans JavaScript catalogue lacks for the admin: the date picker's one-letter
# weekdays (it has S M T W T F S) as a Chinese calendar heads its columns.
CALENDAR_LABELS = {
    f"one letter {day}\x04{letter}": chinese
    for day, letter, chinese in [
        ("Sunday", "S", "日"),
        ("Monday", "M", "一"),
        ("Tuesday", "T", "二"),
        ("Wednesday", "W", "三"),
        ("Thursday", "T", "四"),
        ("Friday", "F", "五"),
        ("Saturday", "S", "六"),
    ]
}


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """The admin's JavaScript catalogue (admin/jsi18n/) with the Chinese it lacks: the date
    picker's weekdays and the rich-text editor's menus and dialogs."""

    packages = ["django.contrib.admin"]

    def get_catalog(self):
        return {**super().get_catalog(), **CALENDAR_LABELS, **EDITOR_LABELS}


def is_auditor_only(user):
    """Return whether user holds the 审计管理员 role and nothing else."""
    return user.role_names == {roles.AUDIT_ADMIN} and not user.is_superuser


class PortalAdminSite(admin.AdminSite):
    """The admin with the bureau's name in its header and title."""

    index_title = "工作台"
    login_form = StaffLoginForm
    site_url = "/"

    def each_context(self, request):
        context = super().each_context(request)
        site = SiteSettings.load()
        context["site_header"] = f"{site.bureau_name} · 政务公开管理平台"
        context["site_title"] = f"{site.site_name}管理平台"
        user = request.user
        # The 审计管理员 reads the audit log and nothing else (三员): no to-do, no notices.
        if user.is_authenticated and user.is_active and user.is_staff and not is_auditor_only(user):
            from . import worklist

            context["nav_counts"] = worklist.nav_counts(user)  # one query
        return context

    def index(self, request, extra_context=None):
        """我的待办 above the app list: the landing page of every member of staff."""
        from . import worklist

        context = {
            "worklist": worklist.worklist(request.user),
            "latest_notices": list(
                StaffNotice.objects.for_user(request.user).unread()[: worklist.SHOWN]
            ),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def i18n_javascript(self, request, extra_context=None):
        return AdminJavaScriptCatalog.as_view()(request)

    def get_urls(self):
        from django.urls import path

        from . import views

        return [
            path("otp/enrol/", self.admin_view(views.otp_enrol), name="otp-enrol"),
            path("otp/verify/", self.admin_view(views.otp_verify), name="otp-verify"),
            path(
                "otp/passkeys/<int:pk>/remove/",
                self.admin_view(views.passkey_remove),
                name="passkey-remove",
            ),
            path(
                "otp/passkeys/register/begin/",
                self.admin_view(views.PasskeyRegistrationBegin.as_view()),
                name="passkey-register-begin",
            ),
            path(
                "otp/passkeys/register/complete/",
                self.admin_view(views.PasskeyRegistrationComplete.as_view()),
                name="passkey-register-complete",
            ),
            path(
                "otp/passkeys/verify/begin/",
                self.admin_view(views.PasskeyAuthenticationBegin.as_view()),
                name="passkey-auth-begin",
            ),
            path(
                "otp/passkeys/verify/complete/",
                self.admin_view(views.PasskeyAuthenticationComplete.as_view()),
                name="passkey-auth-complete",
            ),
            *super().get_urls(),
        ]
