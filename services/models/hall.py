"""窗口布局: the service hall's windows and where they stand, for the lobby kiosk."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from portal import content_safety

HALL_COLUMNS = 6  # the plan is a grid this many cells wide; rows grow as needed


class ServiceWindowQuerySet(models.QuerySet):
    def active(self):
        """Return the windows open to the public, in plan order."""
        return self.filter(is_active=True).order_by("row", "column", "number")


class ServiceWindow(models.Model):
    """A window (窗口) of the service hall: its number, what it handles, where it is on the plan."""

    number = models.PositiveSmallIntegerField(
        "窗口号", unique=True, error_messages={"unique": "该窗口号已存在"}
    )
    name = models.CharField("窗口名称", max_length=30, help_text="如：不动产登记受理")
    handles = models.TextField("办理业务", help_text="本窗口受理的事项，每项一行")
    themes = models.ManyToManyField(
        "ServiceTheme", verbose_name="对应办事主题", blank=True, related_name="windows"
    )
    row = models.PositiveSmallIntegerField("平面图行", default=1, help_text="从 1 开始，自上而下")
    column = models.PositiveSmallIntegerField(
        "平面图列", default=1, help_text=f"1 至 {HALL_COLUMNS}，自左而右"
    )
    width = models.PositiveSmallIntegerField("占用列数", default=1)
    is_active = models.BooleanField("对外办理", default=True)

    objects = ServiceWindowQuerySet.as_manager()

    # Text the public reads in the hall and on the kiosk (portal.content_safety): checked in
    # clean() and nightly.
    public_text_fields = ("name", "handles")

    class Meta:
        verbose_name = "服务窗口"
        verbose_name_plural = "窗口布局"
        ordering = ["row", "column", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(row__gte=1)
                & Q(column__gte=1)
                & Q(width__gte=1)
                & Q(column__lte=HALL_COLUMNS + 1 - F("width")),
                name="servicewindow_inside_plan",
                violation_error_message=f"窗口超出平面图范围（共 {HALL_COLUMNS} 列）",
                violation_error_code="outside_plan",
            ),
        ]

    def __str__(self):
        return f"{self.number}号窗口 {self.name}"

    def clean(self):
        content_safety.validate(self)
        if self.column and self.width and self.column + self.width - 1 > HALL_COLUMNS:
            raise ValidationError(
                {
                    "column": ValidationError(
                        f"平面图共 {HALL_COLUMNS} 列，窗口超出范围", code="outside_plan"
                    )
                }
            )

    def handle_lines(self):
        """Return the 办理业务 as a list of lines."""
        return [line.strip() for line in self.handles.splitlines() if line.strip()]

    def grid_style(self):
        """Return the CSS grid placement of the window on the plan."""
        return f"grid-row: {self.row}; grid-column: {self.column} / span {self.width};"
