"""Cache invalidation: a change to the catalog makes the cached public pages stale."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from disclosure.models import Category, Item, ItemAttachment
from portal.pagecache import content_changed


@receiver([post_save, post_delete], sender=Item)
@receiver([post_save, post_delete], sender=ItemAttachment)
@receiver([post_save, post_delete], sender=Category)
def catalog_changed(sender, **kwargs):
    content_changed()
