"""Topic categories: each routes messages to a department; its reply templates (per message
type) are `ReplyTemplate` rows."""

from django.db import models

from portal.models import Department


class MessageCategory(models.Model):
    """A topic of messages; it routes them to a department."""

    name = models.CharField("名称", max_length=40, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name="承办科室",
        on_delete=models.PROTECT,
        related_name="message_categories",
        help_text="该类留言自动分送的科室",
    )
    order = models.PositiveSmallIntegerField("排序", default=100, help_text="数字小的排在前面")
    is_active = models.BooleanField("在用", default=True, help_text="停用后前台表单不再显示")

    class Meta:
        verbose_name = "留言类别"
        verbose_name_plural = "留言类别"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name
