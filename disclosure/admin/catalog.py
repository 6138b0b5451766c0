"""Back office of the catalog: columns, items and their review workflow."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from disclosure.models import Category, Item, ItemAttachment, ItemEvent
from portal.admin import ContentSafetyAdminMixin, DepartmentScopedAdmin
from portal.exceptions import InvalidTransition
from portal.publishing import REVIEW_CHECKLIST


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "department", "update_days", "order", "is_visible"]
    list_filter = ["parent", "department", "is_visible"]
    list_select_related = ["parent", "department"]
    list_editable = ["order", "is_visible"]
    search_fields = ["name", "slug"]
    ordering = ["parent__order", "order", "id"]


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


class ItemEventInline(admin.TabularInline):
    model = ItemEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = "流转记录"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))


class ChecklistForm(forms.Form):
    """The 保密审查 checklist a reviewer confirms before publication."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in REVIEW_CHECKLIST.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)


@admin.register(Item)
class ItemAdmin(ContentSafetyAdminMixin, DepartmentScopedAdmin, SimpleHistoryAdmin):
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
    actions = ["submit_selected"]
    change_form_template = "admin/disclosure/item/change_form.html"

    def view_on_site(self, obj):
        # Only public items have a public page; a draft's link would be a 404.
        return obj.get_absolute_url() if obj.is_public() else None

    @admin.display(description="状态", ordering="status")
    def status_badge(self, obj):
        return format_html(
            '<span class="status status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="保密审查")
    def checklist_display(self, obj):
        if not obj.review_checklist:
            return "—"
        return "；".join(
            f"{label}：{'是' if obj.review_checklist.get(key) else '否'}"
            for key, label in REVIEW_CHECKLIST.items()
        )

    # Permissions -------------------------------------------------------------------------
    def can_review(self, request):
        return request.user.has_perm("disclosure.review_item")

    def can_submit(self, request):
        return request.user.has_perm("disclosure.submit_item")

    def has_change_permission(self, request, obj=None):
        # Once submitted, only reviewers may correct an item; officers edit drafts and returns.
        if obj is not None and obj.status not in {Item.Status.DRAFT, Item.Status.RETURNED}:
            return self.can_review(request) and super().has_change_permission(request, obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Published records are legal records: never deleted, only withdrawn.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    # Workflow ----------------------------------------------------------------------------
    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/submit/", wrap(self.submit_view), name="disclosure_item_submit"),
            path("<int:pk>/approve/", wrap(self.approve_view), name="disclosure_item_approve"),
            path("<int:pk>/return/", wrap(self.return_view), name="disclosure_item_return"),
            path("<int:pk>/withdraw/", wrap(self.withdraw_view), name="disclosure_item_withdraw"),
            path("<int:pk>/revise/", wrap(self.revise_view), name="disclosure_item_revise"),
            *super().get_urls(),
        ]

    def workflow_actions(self, request, obj):
        """Return (url name, label) of the moves this user may make on obj now."""
        moves = []
        if self.can_submit(request) and obj.can("submit"):
            moves.append(("disclosure_item_submit", "提交审核"))
        if self.can_review(request):
            if obj.can("approve") and obj.author_id != request.user.pk:
                moves.append(("disclosure_item_approve", "审核发布"))
            if obj.can("return_to_author"):
                moves.append(("disclosure_item_return", "退回修改"))
            if obj.can("withdraw"):
                moves.append(("disclosure_item_withdraw", "撤回"))
        if self.can_submit(request) and obj.can("revise"):
            moves.append(("disclosure_item_revise", "重新编辑"))
        return moves

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workflow_actions"] = [
                (reverse(f"admin:{name}", args=[obj.pk]), label)
                for name, label in self.workflow_actions(request, obj)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def _item_for(self, request, pk, permission_check):
        item = get_object_or_404(self.get_queryset(request), pk=pk)
        if not permission_check(request):
            raise PermissionDenied
        return item

    def _run(self, request, item, move, success):
        try:
            move()
        except (InvalidTransition, ValidationError) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)
        return redirect("admin:disclosure_item_change", item.pk)

    def submit_view(self, request, pk):
        item = self._item_for(request, pk, self.can_submit)
        if request.method != "POST":
            return redirect("admin:disclosure_item_change", pk)
        return self._run(request, item, lambda: item.submit(by=request.user), f"“{item}”已提交审核")

    def revise_view(self, request, pk):
        item = self._item_for(request, pk, self.can_submit)
        if request.method != "POST":
            return redirect("admin:disclosure_item_change", pk)
        return self._run(
            request,
            item,
            lambda: item.revise(by=request.user),
            f"“{item}”已转为草稿，可重新编辑后送审",
        )

    def approve_view(self, request, pk):
        item = self._item_for(request, pk, self.can_review)
        form = ChecklistForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._run(
                request,
                item,
                lambda: item.approve(by=request.user, checklist=form.cleaned_data),
                f"“{item}”已发布",
            )
        return self._form_page(request, item, form, "审核发布", "保密审查：请逐项确认后发布。")

    def return_view(self, request, pk):
        item = self._item_for(request, pk, self.can_review)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._run(
                request,
                item,
                lambda: item.return_to_author(by=request.user, reason=form.cleaned_data["reason"]),
                f"“{item}”已退回起草人",
            )
        return self._form_page(request, item, form, "退回修改", "请写明需要修改的地方。")

    def withdraw_view(self, request, pk):
        item = self._item_for(request, pk, self.can_review)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return self._run(
                request,
                item,
                lambda: item.withdraw(by=request.user, reason=form.cleaned_data["reason"]),
                f"“{item}”已撤回，前台不再显示",
            )
        return self._form_page(
            request, item, form, "撤回", "撤回后前台不再显示该信息，索引号保留。"
        )

    def _form_page(self, request, item, form, title, help_text):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": item,
            "title": f"{title}：{item}",
            "help_text": help_text,
            "form": form,
            "button": title,
        }
        return TemplateResponse(request, "admin/disclosure/item/workflow_form.html", context)

    @admin.action(description="提交所选信息审核", permissions=["submit"])
    def submit_selected(self, request, queryset):
        done = 0
        for item in queryset:
            try:
                item.submit(by=request.user)
                done += 1
            except (InvalidTransition, ValidationError) as exc:
                errors = "；".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"“{item}”：{errors}", messages.WARNING)
        if done:
            self.message_user(request, f"已提交 {done} 条信息审核", messages.SUCCESS)

    def has_submit_permission(self, request):
        return self.can_submit(request)
