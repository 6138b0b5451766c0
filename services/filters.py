import django_filters
from django import forms

from portal.forms import PublicFilterSet
from services.models import ApprovalResult, ServiceTheme


class ApprovalResultFilter(PublicFilterSet):
    """Filters of the public 办件公示 list; always fed ApprovalResult.objects.for_list()."""

    number = django_filters.CharFilter(
        label="受理编号",
        field_name="tracking_number",
        lookup_expr="icontains",
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "受理编号"}),
    )
    theme = django_filters.ModelChoiceFilter(
        label="办事主题",
        field_name="guide__theme",
        queryset=ServiceTheme.objects.visible(),
        empty_label="全部",
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=ApprovalResult.Status.choices, empty_label="全部"
    )
    accepted_from = django_filters.DateFilter(
        label="受理日期从",
        field_name="accepted_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    accepted_to = django_filters.DateFilter(
        label="至",
        field_name="accepted_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ApprovalResult
        fields = ["number", "theme", "status", "accepted_from", "accepted_to"]
