"""Cache invalidation: a change to guides or their forms makes the cached public pages stale.

办件公示 rows do not: the result pages are never cached, and the homepage's 热门办事 may lag a
minute rather than emptying the whole cache on every status change.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.pagecache import content_changed
from services.models import GuideMaterial, MaterialForm, ServiceGuide


@receiver([post_save, post_delete], sender=ServiceGuide)
@receiver([post_save, post_delete], sender=GuideMaterial)
@receiver([post_save, post_delete], sender=MaterialForm)
def services_changed(sender, **kwargs):
    content_changed()
