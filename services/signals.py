"""Cache invalidation: a change to a guide or its forms makes stale the guide's own page and the
pages listing guides (办事服务, themes, the homepage's 热门事项, the sitemap), nothing else.

办件公示 rows do not: the result pages are never cached.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from portal.pagecache import SERVICES, SITEMAP, content_changed, object_scope
from services.models import (
    GuideMaterial,
    GuideQuestion,
    GuideStep,
    LegalBasis,
    MaterialForm,
    RectificationCase,
    ResultSample,
    ServiceGuide,
    ServiceRating,
    SpecialProcedure,
)
from services.models.ratings import FIGURES_SCOPE


@receiver([post_save, post_delete], sender=ServiceGuide, dispatch_uid="services-guide-pages")
def guide_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        content_changed(SERVICES, SITEMAP, object_scope(ServiceGuide, instance.pk))


@receiver([post_save, post_delete], sender=GuideMaterial, dispatch_uid="services-material-pages")
@receiver([post_save, post_delete], sender=GuideStep, dispatch_uid="services-step-pages")
@receiver([post_save, post_delete], sender=LegalBasis, dispatch_uid="services-basis-pages")
@receiver([post_save, post_delete], sender=GuideQuestion, dispatch_uid="services-question-pages")
@receiver([post_save, post_delete], sender=SpecialProcedure, dispatch_uid="services-special-pages")
@receiver([post_save, post_delete], sender=ResultSample, dispatch_uid="services-sample-pages")
def material_changed(sender, instance, raw=False, **kwargs):
    """A row shown on its guide's page (material, step, basis, question, 特殊环节, sample)."""
    if not raw:
        content_changed(object_scope(ServiceGuide, instance.guide_id))


@receiver([post_save, post_delete], sender=MaterialForm, dispatch_uid="services-form-pages")
def form_changed(sender, instance, raw=False, **kwargs):
    """A form is downloaded from its guide's page."""
    if not raw:
        guide = GuideMaterial.objects.filter(pk=instance.material_id).values("guide_id").first()
        if guide is not None:
            content_changed(object_scope(ServiceGuide, guide["guide_id"]))


@receiver([post_save, post_delete], sender=ServiceRating, dispatch_uid="services-rating-figures")
@receiver([post_save, post_delete], sender=RectificationCase, dispatch_uid="services-case-figures")
def rating_changed(sender, instance, raw=False, **kwargs):
    """A rating or its 整改 changes the public 好差评 figures."""
    if not raw:
        content_changed(FIGURES_SCOPE)
