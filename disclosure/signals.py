"""Cache invalidation: a change to the catalog makes stale only the cached pages that show it.

An item's save or deletion changes the public pages only when it is public before or after it
(a draft's edits change nothing); then the pages of `Item.cache_scopes()` go stale: the item, its
columns (old and new), their feeds and homepage blocks, the sitemap, the items it links to. A
column's change (its name, its place in the tree) is on every page's navigation: all go stale.
"""

from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from disclosure.models import Category, Item, ItemAttachment
from portal.pagecache import content_changed, object_scope


@receiver(pre_save, sender=Item, dispatch_uid="disclosure-item-before-save")
def remember_public_state(sender, instance, raw=False, **kwargs):
    """Keep what the stored row was: public or not, and in which column."""
    if raw or instance._state.adding or instance.pk is None:
        return
    public = Item.objects.public().filter(pk=OuterRef("pk"))
    stored = Item.objects.filter(pk=instance.pk).values("category_id", public=Exists(public))
    stored = stored.first() or {"public": False, "category_id": None}
    instance._stored_public_state = (stored["public"], stored["category_id"])


@receiver([post_save, post_delete], sender=Item, dispatch_uid="disclosure-item-pages")
def item_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    was_public, category_id = getattr(instance, "_stored_public_state", (False, None))
    instance.__dict__.pop("_stored_public_state", None)
    if was_public or instance.is_public():
        content_changed(*instance.cache_scopes(category_id=category_id))


@receiver(m2m_changed, sender=Item.interprets.through, dispatch_uid="disclosure-item-links")
def interpretations_changed(sender, instance, pk_set, action, **kwargs):
    """A 政策解读 linked or unlinked: both items' pages show the link."""
    if action.startswith("post_"):
        content_changed(
            object_scope(Item, instance.pk), *(object_scope(Item, pk) for pk in pk_set or ())
        )


@receiver([post_save, post_delete], sender=ItemAttachment, dispatch_uid="disclosure-attachment")
def attachment_changed(sender, instance, raw=False, **kwargs):
    item = Item.objects.filter(pk=instance.item_id).first()
    if not raw and item is not None and item.is_public():
        content_changed(*item.cache_scopes())


@receiver([post_save, post_delete], sender=Category, dispatch_uid="disclosure-category-pages")
def category_changed(sender, raw=False, **kwargs):
    content_changed()
