"""投诉受理机构: where citizens may complain, edited in the admin and shown on the public pages."""

from django.db import models

from portal import content_safety


class ComplaintAgencyQuerySet(models.QuerySet):
    def active(self):
        """Return the agencies shown on the public pages."""
        return self.filter(is_active=True)


class ComplaintAgency(models.Model):
    """投诉受理机构: where citizens may complain, as published on the 政民互动 page."""

    name = models.CharField("机构名称", max_length=60)
    address = models.CharField("地址", max_length=120, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    office_hours = models.CharField("受理时间", max_length=120, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字小的排在前面")
    is_active = models.BooleanField("在用", default=True)

    objects = ComplaintAgencyQuerySet.as_manager()

    # Text the public reads (portal.content_safety): checked in clean() and nightly.
    public_text_fields = ("name", "address", "phone", "email", "office_hours")

    class Meta:
        verbose_name = "投诉受理机构"
        verbose_name_plural = "投诉受理机构"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        # Text the public reads: blocking 错敏字/spam never gets saved.
        content_safety.validate(self)
