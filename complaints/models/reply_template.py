"""Reply templates (答复模板) per topic category and message type, and the rule that no template
blank reaches a citizen.

A template is chosen for a message by its category and its type (咨询 / 建议 / 投诉 / 网站纠错):
the category's template for that type, else the category's own, else the bureau's template for
that type, else the generic one (`ReplyTemplateQuerySet.for_message`). What counts as a blank
left unfilled is `complaints.models.message.find_placeholders`.
"""

from django.db import models
from django.db.models import Q

from .category import MessageCategory
from .message import Message


class ReplyTemplateQuerySet(models.QuerySet):
    def for_message(self, *, category, kind):
        """Return the template for a message of this category and type, the most specific one
        first: category + type, category, type, generic; None when the office keeps none."""
        rows = self.filter(
            Q(category=category) | Q(category__isnull=True), Q(kind=kind) | Q(kind="")
        )
        rank = {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}
        return min(
            rows,
            key=lambda row: rank[(row.category_id is not None, bool(row.kind))],
            default=None,
        )


class ReplyTemplate(models.Model):
    """The text a reply starts from, for a category and/or a message type."""

    category = models.ForeignKey(
        MessageCategory,
        verbose_name="留言类别",
        on_delete=models.CASCADE,
        related_name="reply_templates",
        null=True,
        blank=True,
        help_text="不选：适用于所有类别（通用模板）",
    )
    kind = models.CharField(
        "留言类型",
        max_length=12,
        choices=Message.Kind,
        blank=True,
        help_text="不选：适用于该类别的所有类型",
    )
    text = models.TextField(
        "模板内容",
        help_text="答复时预先填入，承办人据实修改后发出。需要填写的地方可用“____”或"
        "“【办理结果】”标出：未填写的空白会被拒绝发出。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ReplyTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "答复模板"
        verbose_name_plural = "答复模板"
        ordering = ["category__order", "category_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "kind"],
                condition=Q(category__isnull=False),
                name="reply_template_one_per_category_kind",
                violation_error_message="该类别的这一留言类型已有答复模板",
                violation_error_code="duplicate_template",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(category__isnull=True),
                name="reply_template_one_generic_per_kind",
                violation_error_message="这一留言类型已有通用答复模板",
                violation_error_code="duplicate_template",
            ),
        ]

    def __str__(self):
        category = self.category.name if self.category_id else "通用"
        return f"{category} · {self.get_kind_display() or '所有类型'}"
