"""Back office of the catalog: columns, items and their review workflow."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from disclosure.models import Category, Item, ItemAttachment, ItemEvent
from portal.admin import (
    ContentSafetyAdminMixin,
    DepartmentScopedAdmin,
    EventInline,
    ReviewableAdmin,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "parent",
        "slug",
        "column_type",
        "department",
        "update_days",
        "order",
        "is_visible",
    ]
    list_filter = ["parent", "department", "is_visible"]
    list_select_related = ["parent", "department"]
    list_editable = ["order", "is_visible"]
    search_fields = ["name", "slug"]
    ordering = ["parent__order", "order", "id"]
    fieldsets = (
        (
            "栏目",
            {
                "fields": (
                    "parent",
                    "name",
                    "slug",
                    "description",
                    "department",
                    ("update_days", "order", "is_visible"),
                )
            },
        ),
        (
            "标准目录",
            {
                "fields": (
                    ("column_type", "keywords"),
                    "disclosure_basis",
                    "disclosure_time_limit",
                    "disclosure_body",
                    "disclosure_channels",
                    ("disclosure_audience", "disclosure_method", "disclosure_level"),
                )
            },
        ),
    )


class CategoryListFilter(admin.RelatedFieldListFilter):
    """Column filter naming sub-columns with their parent, in one query."""

    def field_choices(self, field, request, model_admin):
        return [(c.pk, str(c)) for c in Category.objects.select_related("parent")]


class LateListFilter(admin.SimpleListFilter):
    """Art. 26: items made more than 20 working days ago and still not published."""

    title = "发布时限"
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", "超过20个工作日未发布")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.late()
        return queryset


class ItemAttachmentInline(admin.TabularInline):
    model = ItemAttachment
    extra = 1
    fields = ["file", "original_name", "order", "size"]
    readonly_fields = ["size"]


class ItemEventInline(EventInline):
    model = ItemEvent
    verbose_name_plural = "流转记录"


@admin.register(Item)
class ItemAdmin(
    ContentSafetyAdminMixin, ReviewableAdmin, DepartmentScopedAdmin, SimpleHistoryAdmin
):
    list_display = [
        "title",
        "category",
        "department",
        "status_badge",
        "index_number",
        "written_on",
        "published_at",
        "validity",
    ]
    list_filter = [
        "status",
        LateListFilter,
        ("category", CategoryListFilter),
        "department",
        "validity",
        "disclosure_type",
        ("published_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["category__parent", "department"]
    search_fields = ["title", "document_number", "index_number", "keywords"]
    date_hierarchy = "written_on"
    ordering = ["-updated_at"]
    autocomplete_fields = ["replaced_by", "interprets"]
    inlines = [ItemAttachmentInline, ItemEventInline]
    readonly_fields = [
        "validity_changed_on",
        "index_number",
        "status",
        "published_at",
        "updated_at",
        "author",
        "reviewer",
        "reviewed_at",
        "status_reason",
        "checklist_display",
    ]
    fieldsets = (
        (
            "目录信息",
            {
                "fields": (
                    "title",
                    "category",
                    "department",
                    "written_on",
                    "document_number",
                    "keywords",
                    "summary",
                    "source",
                )
            },
        ),
        (
            "公开属性与有效性",
            {
                "fields": (
                    "disclosure_type",
                    "non_disclosure_reason",
                    "disclosure_method",
                    "validity",
                    "validity_changed_on",
                    "replaced_by",
                    "interprets",
                )
            },
        ),
        ("正文", {"fields": ("body",)}),
        (
            "发布状态",
            {
                "fields": (
                    "status",
                    "index_number",
                    "published_at",
                    "updated_at",
                    "author",
                    "reviewer",
                    "reviewed_at",
                    "checklist_display",
                    "status_reason",
                )
            },
        ),
    )

    preview_template = "disclosure/item_detail.html"

    def view_on_site(self, obj):
        # Only public items have a public page; a draft's link would be a 404.
        return obj.get_absolute_url() if obj.is_public() else None
