from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


def sync_roles_after_migrate(sender, using="default", **kwargs):
    from .roles import sync_roles

    sync_roles(using=using)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户与系统设置"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit, checks, search, signals  # noqa: F401

        # Every model with a search_document() keeps its rows in the site search.
        search.connect_signals()

        # Connected here, after auth's own handler, so the permissions exist when roles sync.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="portal-sync-roles")


class PortalAdminConfig(AdminConfig):
    """The Django admin, as the bureau's back office with the bureau's name on it."""

    default_site = "portal.sites.PortalAdminSite"

    def ready(self):
        from django.db.models import fields

        # Django 6.1's blank choice label has no zh-hans translation yet; Django's documented
        # way to set another is an app's ready(). This one runs first (the admin is the first
        # app) and before autodiscovery imports the admin modules, whose model forms copy the
        # label into their choices when their classes are built.
        fields.BLANK_CHOICE_LABEL = "- 请选择 -"
        super().ready()
