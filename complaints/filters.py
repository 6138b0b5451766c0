import django_filters
from django.db.models import Q
from django.utils import timezone

from complaints.models import Message, MessageCategory
from portal.forms import PublicFilterSet
from portal.models import Department


def year_choices():
    this_year = timezone.localdate().year
    return [(str(year), f"{year}年") for year in range(this_year, this_year - 8, -1)]


class MessageFilter(PublicFilterSet):
    """Filters of the public list of messages; always fed Message.objects.public()."""

    kind = django_filters.ChoiceFilter(
        label="类型", choices=Message.Kind.choices, empty_label="全部"
    )
    category = django_filters.ModelChoiceFilter(
        label="类别", queryset=MessageCategory.objects.all(), empty_label="全部"
    )
    department = django_filters.ModelChoiceFilter(
        label="答复部门", queryset=Department.objects.active(), empty_label="全部"
    )
    year = django_filters.ChoiceFilter(
        label="年份", choices=year_choices, method="filter_year", empty_label="全部"
    )
    q = django_filters.CharFilter(label="关键词", method="filter_text", max_length=50)

    class Meta:
        model = Message
        fields = ["kind", "category", "department", "year", "q"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(received_at__year=int(value))

    def filter_text(self, queryset, name, value):
        """Search the public subject and question (simple contains, as the issue asks)."""
        return queryset.filter(Q(public_subject__icontains=value) | Q(public_body__icontains=value))
