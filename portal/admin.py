"""The back office: the admin site itself, and the site-wide models."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Department, Leader, SiteSettings, User, WorkCalendarDay


class DepartmentScopedAdmin(admin.ModelAdmin):
    """Limit an admin to the user's own department unless their role spans departments.

    The model's QuerySet must provide `visible_to(user)` (see DepartmentScopedQuerySet). Change and
    delete views fetch through get_queryset(), so another department's row answers 404 there too.
    """

    department_field = "department"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.department_field and not request.user.spans_departments:
            kwargs["queryset"] = Department.objects.filter(pk=request.user.department_id)
            kwargs["initial"] = request.user.department_id
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.spans_departments:
            setattr(obj, f"{self.department_field}_id", request.user.department_id)
        super().save_model(request, obj, form, change)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "head", "phone", "order", "is_active"]
    list_editable = ["order"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "duties"]
    ordering = ["order", "id"]


@admin.register(Leader)
class LeaderAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "order", "is_active"]
    list_editable = ["order"]
    list_filter = ["is_active"]
    search_fields = ["name", "position"]
    ordering = ["order", "id"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "department", "role_list", "is_active", "last_login"]
    list_filter = ["department", "groups", "is_active", "is_staff"]
    list_select_related = ["department"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["department__order", "username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "department", "phone", "email")}),
        (
            "角色与权限",
            {"fields": ("is_active", "is_staff", "groups", "is_superuser", "user_permissions")},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "department",
                    "groups",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="角色")
    def role_list(self, obj):
        return "、".join(group.name for group in obj.groups.all()) or "—"

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or single permissions; the office
        # manages staff through the roles (groups) alone.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = (
        ("单位", {"fields": ("bureau_name", "site_name", "org_code")}),
        ("联系方式", {"fields": ("address", "postcode", "phone", "fax", "email", "office_hours")}),
        ("网站备案", {"fields": ("site_code", "icp_number", "police_number")}),
    )

    def has_add_permission(self, request):
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    """工作日历: weekday holidays and 调休 working weekends; other days follow the weekday."""

    list_display = ["date", "weekday", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["note"]
    ordering = ["-date"]
    date_hierarchy = "date"

    @admin.display(description="星期")
    def weekday(self, obj):
        return "星期" + "一二三四五六日"[obj.date.weekday()]

    def changelist_view(self, request, extra_context=None):
        missing = WorkCalendarDay.objects.missing_next_year()
        if missing:
            self.message_user(
                request,
                f"{missing} 年的工作日历尚未录入：该年的答复期限将只按周末计算并标注为“预估”。"
                "请在国务院办公厅公布放假安排后逐日录入放假日和调休上班日。",
                messages.WARNING,
            )
        years = WorkCalendarDay.objects.order_by().values_list("date__year", flat=True).distinct()
        extra_context = {**(extra_context or {}), "calendar_years": sorted(set(years))}
        return super().changelist_view(request, extra_context=extra_context)
