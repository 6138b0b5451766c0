"""Cache invalidation for site-wide rows (signals are for caches and the search index only)."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Department, SiteSettings
from .pagecache import content_changed


@receiver([post_save, post_delete], sender=SiteSettings)
def clear_site_settings_cache(sender, **kwargs):
    """The footer and the meta tags of every cached page show the settings."""
    cache.delete(SiteSettings.CACHE_KEY)
    content_changed()


@receiver([post_save, post_delete], sender=Department)
def department_changed(sender, **kwargs):
    """Department names are on cached pages and in the cached filter choices."""
    content_changed()
